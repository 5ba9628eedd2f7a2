// Package envelope encrypts a batch's stored input under a data key of its
// own, wrapped by the service's key (envelope encryption, AES-256-GCM). The
// input is sealed in fixed-size frames, so that a chunk's byte range can be
// read and decrypted alone. Deleting a batch's wrapped key makes its input
// unreadable (crypto-shredding).
package envelope

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// KeySize is the size of every key: AES-256.
const KeySize = 32

// Keyring wraps data keys with the current service key and unwraps them
// with the current or the previous one, so the service key can be rotated
// without losing batches.
type Keyring struct {
	current  *kek
	previous *kek
}

type kek struct {
	id   string // first 4 bytes of SHA-256 of the key, hex: names the key without revealing it
	aead cipher.AEAD
}

// ParseKey decodes a Base64 service key of KeySize bytes.
func ParseKey(b64 string) ([]byte, error) {
	k, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
	if err != nil || len(k) != KeySize {
		return nil, fmt.Errorf("want %d random bytes in Base64 (make one with: openssl rand -base64 32)", KeySize)
	}
	return k, nil
}

// NewKeyring returns a keyring over the current key and, optionally, the
// previous one (nil when there is none).
func NewKeyring(current, previous []byte) (*Keyring, error) {
	c, err := newKEK(current)
	if err != nil {
		return nil, err
	}
	r := &Keyring{current: c}
	if previous != nil {
		if r.previous, err = newKEK(previous); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func newKEK(key []byte) (*kek, error) {
	aead, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(key)
	return &kek{id: hex.EncodeToString(sum[:4]), aead: aead}, nil
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("envelope: key of %d bytes, want %d", len(key), KeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// NewDataKey returns a fresh random data key.
func NewDataKey() []byte {
	k := make([]byte, KeySize)
	rand.Read(k)
	return k
}

// Wrap seals a data key under the current service key, bound to the
// batch id: "v1:<key id>:<Base64 nonce|ciphertext>".
func (r *Keyring) Wrap(batchID string, dataKey []byte) string {
	nonce := make([]byte, r.current.aead.NonceSize())
	rand.Read(nonce)
	sealed := r.current.aead.Seal(nonce, nonce, dataKey, []byte(batchID))
	return "v1:" + r.current.id + ":" + base64.StdEncoding.EncodeToString(sealed)
}

// ErrUnknownKey is returned for a data key wrapped by neither the current
// nor the previous service key.
var ErrUnknownKey = errors.New("envelope: the data key was wrapped by a service key that is neither BV_DATA_KEY nor BV_DATA_KEY_PREVIOUS")

// Unwrap opens a data key Wrap sealed for batchID.
func (r *Keyring) Unwrap(batchID, wrapped string) ([]byte, error) {
	parts := strings.SplitN(wrapped, ":", 3)
	if len(parts) != 3 || parts[0] != "v1" {
		return nil, errors.New("envelope: not a wrapped data key")
	}
	k := r.current
	if parts[1] != k.id {
		if r.previous == nil || parts[1] != r.previous.id {
			return nil, ErrUnknownKey
		}
		k = r.previous
	}
	sealed, err := base64.StdEncoding.DecodeString(parts[2])
	n := k.aead.NonceSize()
	if err != nil || len(sealed) < n {
		return nil, errors.New("envelope: a wrapped data key that is not Base64")
	}
	key, err := k.aead.Open(nil, sealed[:n], sealed[n:], []byte(batchID))
	if err != nil {
		return nil, fmt.Errorf("envelope: unwrap the data key of batch %s: %w", batchID, err)
	}
	return key, nil
}

// Rewrap returns wrapped sealed under the current key if the previous key
// sealed it, and "" when it is current already.
func (r *Keyring) Rewrap(batchID, wrapped string) (string, error) {
	if strings.HasPrefix(wrapped, "v1:"+r.current.id+":") {
		return "", nil
	}
	key, err := r.Unwrap(batchID, wrapped)
	if err != nil {
		return "", err
	}
	return r.Wrap(batchID, key), nil
}
