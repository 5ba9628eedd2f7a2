package envelope

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
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
