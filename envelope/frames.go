package envelope

import (
	"crypto/cipher"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// FrameSize is the plaintext size of a sealed frame; the last frame may be
// shorter. A sealed file is a header of HeaderSize bytes, then each frame
// sealed with AES-256-GCM (its own FrameSize+Overhead bytes), the nonce
// being the frame's index and the additional data the batch id, so that
// frames cannot be reordered or moved between batches.
const (
	FrameSize  = 64 << 10
	Overhead   = 16 // the GCM tag
	HeaderSize = 8
	sealedSize = FrameSize + Overhead
)

var magic = [4]byte{'B', 'V', 'E', '1'}

func header() []byte {
	h := make([]byte, HeaderSize)
	copy(h, magic[:])
	binary.BigEndian.PutUint32(h[4:], FrameSize)
	return h
}

func nonce(aead cipher.AEAD, frame int64) []byte {
	n := make([]byte, aead.NonceSize())
	binary.BigEndian.PutUint64(n[len(n)-8:], uint64(frame))
	return n
}

// SealedSize returns the size of the sealed form of n plaintext bytes.
func SealedSize(n int64) int64 {
	frames := (n + FrameSize - 1) / FrameSize
	return HeaderSize + n + frames*Overhead
}

// Encrypter seals what it reads from a plaintext reader: Read returns the
// sealed file.
type Encrypter struct {
	aead  cipher.AEAD
	ad    []byte
	src   io.Reader
	plain []byte
	out   []byte // sealed bytes not yet returned
	frame int64
	eof   bool
}

// NewEncrypter returns a reader of the sealed form of src under dataKey,
// bound to batchID.
func NewEncrypter(dataKey []byte, batchID string, src io.Reader) (*Encrypter, error) {
	aead, err := newAEAD(dataKey)
	if err != nil {
		return nil, err
	}
	return &Encrypter{aead: aead, ad: []byte(batchID), src: src, plain: make([]byte, FrameSize), out: header()}, nil
}

func (e *Encrypter) Read(p []byte) (int, error) {
	for len(e.out) == 0 {
		if e.eof {
			return 0, io.EOF
		}
		n, err := io.ReadFull(e.src, e.plain)
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			e.eof = true
		} else if err != nil {
			return 0, err
		}
		if n == 0 {
			continue
		}
		e.out = e.aead.Seal(e.out[:0], nonce(e.aead, e.frame), e.plain[:n], e.ad)
		e.frame++
	}
	n := copy(p, e.out)
	e.out = e.out[n:]
	return n, nil
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

// Decrypter opens sealed frames read from src, starting at frame first.
type Decrypter struct {
	aead   cipher.AEAD
	ad     []byte
	src    io.Reader
	sealed []byte
	out    []byte
	frame  int64
	skip   int64 // plaintext bytes to drop first
	left   int64 // plaintext bytes still to return; -1 for all
}

// ErrTampered is returned for a sealed frame that does not open: the data
// was changed, or the key is not the one that sealed it.
var ErrTampered = errors.New("envelope: a sealed frame does not open (tampered data or the wrong key)")

// NewDecrypter returns a reader of the plaintext of a whole sealed file.
func NewDecrypter(dataKey []byte, batchID string, src io.Reader) (*Decrypter, error) {
	var h [HeaderSize]byte
	if _, err := io.ReadFull(src, h[:]); err != nil {
		return nil, fmt.Errorf("envelope: read header: %w", err)
	}
	if [4]byte(h[:4]) != magic || binary.BigEndian.Uint32(h[4:]) != FrameSize {
		return nil, errors.New("envelope: not a sealed file")
	}
	return newDecrypter(dataKey, batchID, src, 0, 0, -1)
}

// NewRangeDecrypter returns a reader of the plaintext range [offset,
// offset+length) from src, the sealed bytes RangeOf(offset, length) names.
func NewRangeDecrypter(dataKey []byte, batchID string, src io.Reader, offset, length int64) (*Decrypter, error) {
	_, _, skip := RangeOf(offset, length)
	return newDecrypter(dataKey, batchID, src, offset/FrameSize, skip, length)
}

func newDecrypter(dataKey []byte, batchID string, src io.Reader, first, skip, left int64) (*Decrypter, error) {
	aead, err := newAEAD(dataKey)
	if err != nil {
		return nil, err
	}
	return &Decrypter{aead: aead, ad: []byte(batchID), src: src, sealed: make([]byte, sealedSize), frame: first, skip: skip, left: left}, nil
}

func (d *Decrypter) Read(p []byte) (int, error) {
	for len(d.out) == 0 {
		if d.left == 0 {
			return 0, io.EOF
		}
		n, err := io.ReadFull(d.src, d.sealed)
		if n == 0 && (err == io.EOF || err == io.ErrUnexpectedEOF) {
			if d.left > 0 {
				return 0, io.ErrUnexpectedEOF
			}
			return 0, io.EOF
		}
		if err != nil && err != io.ErrUnexpectedEOF {
			return 0, err
		}
		plain, oerr := d.aead.Open(d.sealed[:0], nonce(d.aead, d.frame), d.sealed[:n], d.ad)
		if oerr != nil {
			return 0, ErrTampered
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
