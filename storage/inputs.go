package storage

import (
	"context"
	"fmt"
	"io"

	"github.com/bulkverify/bulkverify/envelope"
)

// Inputs keeps the batches' uploaded CSVs in a Bucket. A batch's input
// is sealed under a data key of its own (see envelope), which PutInput
// returns wrapped by the service key.
type Inputs struct {
	bucket *Bucket
	keys   *envelope.Keyring
}

// NewInputs returns the Inputs in b; inputs are sealed under data keys
// wrapped by keys.
func NewInputs(b *Bucket, keys *envelope.Keyring) *Inputs {
	return &Inputs{bucket: b, keys: keys}
}

// PutInput seals a batch's uploaded CSV under a new data key as it streams
// it to the batch's input file, and returns the data key wrapped by the
// service key. The plaintext is never stored.
func (in *Inputs) PutInput(ctx context.Context, id string, r io.Reader) (string, error) {
	key := envelope.NewDataKey()
	enc, err := envelope.NewEncrypter(key, id, r)
	if err != nil {
		return "", err
	}
	if err := in.bucket.upload(ctx, inputKey(id), enc, "application/octet-stream", 1); err != nil {
		return "", err
	}
	return in.keys.Wrap(id, key), nil
}

// OpenInput returns the plaintext of a batch's stored input.
func (in *Inputs) OpenInput(ctx context.Context, id, wrappedKey string) (io.ReadCloser, error) {
	key, err := in.keys.Unwrap(id, wrappedKey)
	if err != nil {
		return nil, err
	}
	body, err := in.bucket.open(ctx, inputKey(id))
	if err != nil {
		return nil, err
	}
	d, err := envelope.NewDecrypter(key, id, body)
	if err != nil {
		body.Close()
		return nil, fmt.Errorf("input of batch %s: %w", id, err)
	}
	return readCloser{d, body}, nil
}

// OpenInputRange returns length plaintext bytes of a batch's input from
// offset: one chunk's rows. Only the sealed frames that hold them are read.
func (in *Inputs) OpenInputRange(ctx context.Context, id, wrappedKey string, offset, length int64) (io.ReadCloser, error) {
	key, err := in.keys.Unwrap(id, wrappedKey)
	if err != nil {
		return nil, err
	}
	so, sl, _ := envelope.RangeOf(offset, length)
	body, err := in.bucket.openRange(ctx, inputKey(id), so, sl)
	if err != nil {
		return nil, err
	}
	d, err := envelope.NewRangeDecrypter(key, id, body, offset, length)
	if err != nil {
		body.Close()
		return nil, err
	}
	return readCloser{d, body}, nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

// DeleteInput removes a batch's input, every version of it (a rejected
// upload).
func (in *Inputs) DeleteInput(ctx context.Context, id string) error {
	return in.bucket.deleteAll(ctx, inputKey(id))
}
