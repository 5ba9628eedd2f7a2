package envelope

import (
	"bufio"
	"crypto/cipher"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// FrameSize is the plaintext size of a sealed frame; the last frame may be
// shorter. A sealed file is a header of HeaderSize bytes, then each frame
// sealed with AES-256-GCM (its own FrameSize+Overhead bytes), the nonce
// being the frame's index, so that frames cannot be reordered.
//
// The additional data of a frame binds it to its batch and, since format
// 2 (magic BVE2), says whether it is the last: "BVE2", a flag byte (1 on
// the last frame, 0 on the others), then the batch id. A file cut at a
// frame boundary therefore ends without a final frame and fails to open
// (ErrTruncated), and a frame cannot be moved between batches or to the
// end of a file. Every file has a final frame, an empty one when the
// plaintext is empty. Format 1 (magic BVE1; the additional data is the
// batch id alone, no final mark) is still read, so that inputs sealed
// before format 2 keep opening for as long as they are kept; since its
// frames' additional data differ, a format 2 file cannot be passed off as
// format 1.
const (
	FrameSize  = 64 << 10
	Overhead   = 16 // the GCM tag
	HeaderSize = 8
	sealedSize = FrameSize + Overhead
)

// The formats, by the magic that starts a sealed file.
var (
	magicV1 = [4]byte{'B', 'V', 'E', '1'}
	magicV2 = [4]byte{'B', 'V', 'E', '2'}
)

func header() []byte {
	h := make([]byte, HeaderSize)
	copy(h, magicV2[:])
	binary.BigEndian.PutUint32(h[4:], FrameSize)
	return h
}

func nonce(aead cipher.AEAD, frame int64) []byte {
	n := make([]byte, aead.NonceSize())
	binary.BigEndian.PutUint64(n[len(n)-8:], uint64(frame))
	return n
}

// frameAD returns the additional data of a format 2 frame of batchID,
// the final one or not.
func frameAD(batchID string, final bool) []byte {
	ad := make([]byte, 0, 5+len(batchID))
	ad = append(ad, magicV2[:]...)
	if final {
		ad = append(ad, 1)
	} else {
		ad = append(ad, 0)
	}
	return append(ad, batchID...)
}

// SealedSize returns the size of the sealed form of n plaintext bytes.
func SealedSize(n int64) int64 {
	frames := max((n+FrameSize-1)/FrameSize, 1) // an empty file has one empty final frame
	return HeaderSize + n + frames*Overhead
}

// Encrypter seals what it reads from a plaintext reader: Read returns the
// sealed file.
type Encrypter struct {
	aead   cipher.AEAD
	ad     [2][]byte // the additional data of a frame followed by more, and of the final one
	src    *bufio.Reader
	plain  []byte
	out    []byte // sealed bytes not yet returned
	frame  int64
	sealed bool // the final frame is sealed
}

// NewEncrypter returns a reader of the sealed form of src under dataKey,
// bound to batchID.
func NewEncrypter(dataKey []byte, batchID string, src io.Reader) (*Encrypter, error) {
	aead, err := newAEAD(dataKey)
	if err != nil {
		return nil, err
	}
	return &Encrypter{aead: aead, ad: [2][]byte{frameAD(batchID, false), frameAD(batchID, true)},
		src: bufio.NewReader(src), plain: make([]byte, FrameSize), out: header()}, nil
}

func (e *Encrypter) Read(p []byte) (int, error) {
	for len(e.out) == 0 {
		if e.sealed {
			return 0, io.EOF
		}
		n, err := io.ReadFull(e.src, e.plain)
		final := err == io.EOF || err == io.ErrUnexpectedEOF
		if err != nil && !final {
			return 0, err
		}
		if !final {
			// A whole frame: it is the last if nothing follows.
			if _, err := e.src.Peek(1); err == io.EOF {
				final = true
			} else if err != nil {
				return 0, err
			}
		}
		e.out = e.aead.Seal(e.out[:0], nonce(e.aead, e.frame), e.plain[:n], e.ad[b2i(final)])
		e.frame++
		e.sealed = final
	}
	n := copy(p, e.out)
	e.out = e.out[n:]
	return n, nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// RangeOf returns the sealed byte range that holds the plaintext range
// [offset, offset+length), and the offset of the plaintext range within
// the frames it decrypts to.
func RangeOf(offset, length int64) (sealedOffset, sealedLength, skip int64) {
	first := offset / FrameSize
	last := (offset + length - 1) / FrameSize
	sealedOffset = HeaderSize + first*sealedSize
	sealedLength = (last - first + 1) * sealedSize // the last frame may be shorter: S3 clips the range
	return sealedOffset, sealedLength, offset - first*FrameSize
}

// format is how a file's frames are sealed: its version (0 while a range
// decrypter has not opened a frame yet).
type format int

const (
	formatUnknown format = iota
	formatV1
	formatV2
)

// Decrypter opens sealed frames read from src, starting at frame first.
type Decrypter struct {
	aead   cipher.AEAD
	id     string
	format format
	src    io.Reader
	sealed []byte
	plain  []byte // where a frame is opened: a failed Open clears its destination
	out    []byte
	frame  int64
	skip   int64 // plaintext bytes to drop first
	left   int64 // plaintext bytes still to return; -1 for all
	final  bool  // the final frame was opened
}

// ErrTampered is returned for a sealed frame that does not open: the data
// was changed, or the key is not the one that sealed it.
var ErrTampered = errors.New("envelope: a sealed frame does not open (tampered data or the wrong key)")

// ErrTruncated is returned for a sealed file that ends before its final
// frame, or goes on after it.
var ErrTruncated = errors.New("envelope: the sealed file does not end with its final frame (truncated or extended)")

// NewDecrypter returns a reader of the plaintext of a whole sealed file.
// A file of format 2 that does not end with its final frame gives
// ErrTruncated.
func NewDecrypter(dataKey []byte, batchID string, src io.Reader) (*Decrypter, error) {
	var h [HeaderSize]byte
	if _, err := io.ReadFull(src, h[:]); err != nil {
		return nil, fmt.Errorf("envelope: read header: %w", err)
	}
	var f format
	switch [4]byte(h[:4]) {
	case magicV1:
		f = formatV1
	case magicV2:
		f = formatV2
	}
	if f == formatUnknown || binary.BigEndian.Uint32(h[4:]) != FrameSize {
		return nil, errors.New("envelope: not a sealed file")
	}
	return newDecrypter(dataKey, batchID, f, src, 0, 0, -1)
}

// NewRangeDecrypter returns a reader of the plaintext range [offset,
// offset+length) from src, the sealed bytes RangeOf(offset, length) names.
// The format is the one the first frame opens under.
func NewRangeDecrypter(dataKey []byte, batchID string, src io.Reader, offset, length int64) (*Decrypter, error) {
	_, _, skip := RangeOf(offset, length)
	return newDecrypter(dataKey, batchID, formatUnknown, src, offset/FrameSize, skip, length)
}

func newDecrypter(dataKey []byte, batchID string, f format, src io.Reader, first, skip, left int64) (*Decrypter, error) {
	aead, err := newAEAD(dataKey)
	if err != nil {
		return nil, err
	}
	return &Decrypter{aead: aead, id: batchID, format: f, src: src, sealed: make([]byte, sealedSize), plain: make([]byte, 0, FrameSize), frame: first, skip: skip, left: left}, nil
}

func (d *Decrypter) Read(p []byte) (int, error) {
	for len(d.out) == 0 {
		if d.left == 0 {
			return 0, io.EOF
		}
		n, err := io.ReadFull(d.src, d.sealed)
		if n == 0 && (err == io.EOF || err == io.ErrUnexpectedEOF) {
			return 0, d.end()
		}
		if err != nil && err != io.ErrUnexpectedEOF {
			return 0, err
		}
		if d.final {
			return 0, ErrTruncated // bytes after the final frame
		}
		plain, err := d.open(d.sealed[:n], n == sealedSize)
		if err != nil {
			return 0, err
		}
		d.frame++
		if d.skip > 0 {
			s := min(d.skip, int64(len(plain)))
			plain, d.skip = plain[s:], d.skip-s
		}
		if d.left >= 0 && int64(len(plain)) > d.left {
			plain = plain[:d.left]
		}
		d.out = plain
	}
	n := copy(p, d.out)
	d.out = d.out[n:]
	if d.left > 0 {
		d.left -= int64(n)
	}
	return n, nil
}

// end is the error at the end of the sealed bytes: a range not read whole
// is cut short, and a whole file of format 2 must have ended with its
// final frame.
func (d *Decrypter) end() error {
	switch {
	case d.left > 0:
		return io.ErrUnexpectedEOF
	case d.left < 0 && d.format == formatV2 && !d.final:
		return ErrTruncated
	}
	return io.EOF
}

// open opens one sealed frame. A whole frame may be followed by more or be
// the final one; a shorter one can only be the final one. Until a frame
// has opened (a range), the format is the one it opens under.
func (d *Decrypter) open(sealed []byte, whole bool) ([]byte, error) {
	n := nonce(d.aead, d.frame)
	try := func(f format, final bool) ([]byte, bool) {
		if d.format != formatUnknown && d.format != f {
			return nil, false
		}
		ad := []byte(d.id)
		if f == formatV2 {
			ad = frameAD(d.id, final)
		}
		plain, err := d.aead.Open(d.plain[:0], n, sealed, ad)
		if err != nil {
			return nil, false
		}
		d.format, d.final = f, f == formatV2 && final
		return plain, true
	}
	if whole {
		if plain, ok := try(formatV2, false); ok {
			return plain, nil
		}
	}
	if plain, ok := try(formatV2, true); ok {
		return plain, nil
	}
	if plain, ok := try(formatV1, false); ok {
		return plain, nil
	}
	return nil, ErrTampered
}
