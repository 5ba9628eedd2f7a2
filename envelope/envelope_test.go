package envelope

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"testing"
)

func seal(t *testing.T, key []byte, id string, plain []byte) []byte {
	t.Helper()
	e, err := NewEncrypter(key, id, bytes.NewReader(plain))
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := io.ReadAll(e)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(sealed)) != SealedSize(int64(len(plain))) {
		t.Fatalf("sealed %d bytes, SealedSize says %d", len(sealed), SealedSize(int64(len(plain))))
	}
	return sealed
}

func TestSealedFilesOpenWholeAndByRange(t *testing.T) {
	key := NewDataKey()
	rng := rand.New(rand.NewPCG(1, 2))
	for _, size := range []int{0, 1, FrameSize - 1, FrameSize, FrameSize + 1, 3*FrameSize + 77} {
		plain := make([]byte, size)
		for i := range plain {
			plain[i] = byte(rng.IntN(256))
		}
		sealed := seal(t, key, "batch-1", plain)
		if size > 16 && bytes.Contains(sealed, plain[:16]) {
			t.Errorf("size %d: the sealed file holds plaintext", size)
		}
		d, err := NewDecrypter(key, "batch-1", bytes.NewReader(sealed))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(d)
		if err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("size %d: whole file: got %d bytes, %v; want the plaintext", size, len(got), err)
		}
		for range 50 {
			if size == 0 {
				break
			}
			off := rng.Int64N(int64(size))
			n := 1 + rng.Int64N(int64(size)-off)
			so, sl, _ := RangeOf(off, n)
			end := min(so+sl, int64(len(sealed)))
			d, err := NewRangeDecrypter(key, "batch-1", bytes.NewReader(sealed[so:end]), off, n)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(d)
			if err != nil || !bytes.Equal(got, plain[off:off+n]) {
				t.Fatalf("size %d, range %d+%d: got %d bytes, %v; want the plaintext range", size, off, n, len(got), err)
			}
		}
	}
}

func TestTamperedOrMisboundFramesDoNotOpen(t *testing.T) {
	key := NewDataKey()
	plain := bytes.Repeat([]byte("access_token,doctype\nverified-1,PANCR\n"), 5000)
	sealed := seal(t, key, "batch-1", plain)
	tests := []struct {
		name string
		key  []byte
		id   string
		data []byte
	}{
		{"a flipped bit", key, "batch-1", func() []byte { b := bytes.Clone(sealed); b[HeaderSize+100] ^= 1; return b }()},
		{"another batch's id", key, "batch-2", sealed},
		{"another key", NewDataKey(), "batch-1", sealed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := NewDecrypter(tt.key, tt.id, bytes.NewReader(tt.data))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := io.ReadAll(d); !errors.Is(err, ErrTampered) {
				t.Errorf("got %v, want ErrTampered", err)
			}
		})
	}
}

func TestKeyringRotates(t *testing.T) {
	old, cur := NewDataKey(), NewDataKey()
	before, _ := NewKeyring(old, nil)
	wrapped := before.Wrap("b1", []byte("0123456789abcdef0123456789abcdef"))
	after, _ := NewKeyring(cur, old)
	got, err := after.Unwrap("b1", wrapped)
	if err != nil || string(got) != "0123456789abcdef0123456789abcdef" {
		t.Fatalf("unwrap with the previous key: got %q, %v", got, err)
	}
	rewrapped, err := after.Rewrap("b1", wrapped)
	if err != nil || rewrapped == "" {
		t.Fatalf("rewrap: got %q, %v", rewrapped, err)
	}
	onlyNew, _ := NewKeyring(cur, nil)
	if _, err := onlyNew.Unwrap("b1", rewrapped); err != nil {
		t.Errorf("unwrap of the rewrapped key with the current key alone: %v", err)
	}
	if _, err := onlyNew.Unwrap("b1", wrapped); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("unwrap without the previous key: got %v, want ErrUnknownKey", err)
	}
	if _, err := after.Unwrap("b2", wrapped); err == nil {
		t.Error("a data key unwrapped for another batch id")
	}
	if _, err := ParseKey("c2hvcnQ="); err == nil {
		t.Error("ParseKey took a 5-byte key")
	}
}

// openAll reads a whole sealed file.
func openAll(key []byte, id string, sealed []byte) ([]byte, error) {
	d, err := NewDecrypter(key, id, bytes.NewReader(sealed))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(d)
}

func TestACutOrExtendedSealedFileDoesNotOpen(t *testing.T) {
	key := NewDataKey()
	plain := bytes.Repeat([]byte("access_token,doctype\nverified-1,PANCR\n"), 3*FrameSize/38+1) // 3 whole frames and a bit
	sealed := seal(t, key, "batch-1", plain)
	whole := seal(t, key, "batch-1", plain[:3*FrameSize]) // its last frame is a whole one
	frameEnd := func(i int) int { return HeaderSize + i*sealedSize }
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"cut after the header", sealed[:HeaderSize], ErrTruncated},
		{"cut after the first frame", sealed[:frameEnd(1)], ErrTruncated},
		{"cut after the third frame, before the short last one", sealed[:frameEnd(3)], ErrTruncated},
		{"cut inside the last frame", sealed[:len(sealed)-1], ErrTampered},
		{"a byte added after the short last frame", append(bytes.Clone(sealed), 0), ErrTampered},
		{"a whole frame cut from the end of three", whole[:frameEnd(2)], ErrTruncated},
		{"a frame added after a whole last frame", append(bytes.Clone(whole), whole[HeaderSize:frameEnd(1)]...), ErrTruncated},
		{"cut at a frame boundary and marked format 1", func() []byte {
			b := bytes.Clone(sealed[:frameEnd(2)])
			copy(b, "BVE1")
			return b
		}(), ErrTampered},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := openAll(key, "batch-1", tt.data)
			if !errors.Is(err, tt.want) {
				t.Errorf("got %d bytes and %v, want %v", len(got), err, tt.want)
			}
		})
	}
	t.Run("a whole file opens", func(t *testing.T) {
		for _, p := range [][]byte{plain, plain[:3*FrameSize]} {
			got, err := openAll(key, "batch-1", seal(t, key, "batch-1", p))
			if err != nil || !bytes.Equal(got, p) {
				t.Errorf("got %d bytes and %v, want the %d bytes of plaintext", len(got), err, len(p))
			}
		}
	})
}

func TestAnEmptyFileHasAFinalFrame(t *testing.T) {
	key := NewDataKey()
	sealed := seal(t, key, "batch-1", nil)
	if len(sealed) != HeaderSize+Overhead {
		t.Fatalf("sealed %d bytes, want a header and one empty frame (%d)", len(sealed), HeaderSize+Overhead)
	}
	if got, err := openAll(key, "batch-1", sealed); err != nil || len(got) != 0 {
		t.Errorf("got %q, %v; want nothing, no error", got, err)
	}
	if _, err := openAll(key, "batch-1", sealed[:HeaderSize]); !errors.Is(err, ErrTruncated) {
		t.Errorf("header alone: got %v, want ErrTruncated", err)
	}
}

// v1Plain is the plaintext of testdata/v1.sealed, which the format 1
// sealer (before final frames were marked) made under a key of 32 bytes
// 0x42 for batch "batch-v1".
func v1Plain() []byte {
	var b bytes.Buffer
	b.WriteString("access_token,doctype\n")
	for i := 0; b.Len() < 2*FrameSize+5000; i++ {
		b.WriteString("token-" + string(bytes.Repeat([]byte("x"), i%13)) + ",PANCR\n")
	}
	return b.Bytes()
}

func TestInputsSealedInFormat1StillOpen(t *testing.T) {
	sealed, err := os.ReadFile("testdata/v1.sealed")
	if err != nil {
		t.Fatal(err)
	}
	if string(sealed[:4]) != "BVE1" {
		t.Fatalf("testdata/v1.sealed starts %q, want BVE1", sealed[:4])
	}
	key, plain := bytes.Repeat([]byte{0x42}, KeySize), v1Plain()
	got, err := openAll(key, "batch-v1", sealed)
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("whole file: got %d bytes, %v; want the %d bytes of plaintext", len(got), err, len(plain))
	}
	for _, r := range [][2]int64{{0, 100}, {FrameSize - 10, 20}, {FrameSize + 7, FrameSize}, {int64(len(plain)) - 50, 50}} {
		so, sl, _ := RangeOf(r[0], r[1])
		end := min(so+sl, int64(len(sealed)))
		d, err := NewRangeDecrypter(key, "batch-v1", bytes.NewReader(sealed[so:end]), r[0], r[1])
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(d)
		if err != nil || !bytes.Equal(got, plain[r[0]:r[0]+r[1]]) {
			t.Errorf("range %d+%d: got %d bytes, %v; want the plaintext range", r[0], r[1], len(got), err)
		}
	}
	if _, err := openAll(key, "batch-v2", sealed); !errors.Is(err, ErrTampered) {
		t.Errorf("another batch's id: got %v, want ErrTampered", err)
	}
}
