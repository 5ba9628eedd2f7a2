package storage

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Results keeps what the worker makes of a batch in a Bucket: its
// chunks' parts, output.csv and errors.csv, which hold no secret, and
// hands out presigned URLs that download the last two.
type Results struct {
	bucket  *Bucket
	presign *s3.PresignClient
	ttl     time.Duration
	urls    presignedURLs
}

// NewResults returns the Results in b; presigned URLs last ttl.
func NewResults(b *Bucket, ttl time.Duration) *Results {
	return &Results{bucket: b, presign: s3.NewPresignClient(b.client), ttl: ttl}
}

// PutPart writes one chunk's results whole; a repeated chunk overwrites
// its part.
func (r *Results) PutPart(ctx context.Context, id string, chunk int, b []byte) error {
	return r.bucket.put(ctx, partKey(id, chunk), b, csvType)
}

// OpenPart returns one chunk's results.
func (r *Results) OpenPart(ctx context.Context, id string, chunk int) (io.ReadCloser, error) {
	return r.bucket.open(ctx, partKey(id, chunk))
}

// PutOutput streams a batch's output.csv.
func (r *Results) PutOutput(ctx context.Context, id string, body io.Reader) error {
	return r.bucket.upload(ctx, outputKey(id), body, csvType, outputUploads)
}

// PutErrors streams a batch's errors.csv.
func (r *Results) PutErrors(ctx context.Context, id string, body io.Reader) error {
	return r.bucket.upload(ctx, errorsKey(id), body, csvType, 1)
}

// OpenOutput returns a batch's output.csv.
func (r *Results) OpenOutput(ctx context.Context, id string) (io.ReadCloser, error) {
	return r.bucket.open(ctx, outputKey(id))
}

// OpenErrors returns a batch's errors.csv.
func (r *Results) OpenErrors(ctx context.Context, id string) (io.ReadCloser, error) {
	return r.bucket.open(ctx, errorsKey(id))
}

// PresignOutput returns a URL that downloads a batch's output.csv.
func (r *Results) PresignOutput(ctx context.Context, id string) (string, error) {
	return r.presignGet(ctx, outputKey(id), id+".csv")
}

// PresignErrors returns a URL that downloads a batch's errors.csv.
func (r *Results) PresignErrors(ctx context.Context, id string) (string, error) {
	return r.presignGet(ctx, errorsKey(id), id+"-errors.csv")
}

// presignGet returns a URL that downloads key, as filename, until the TTL
// runs out. A URL is handed out again while at least three quarters of its
// TTL are left, so that polling a finished batch does not sign two URLs a
// request; every URL given out stays valid for most of the TTL.
func (r *Results) presignGet(ctx context.Context, key, filename string) (string, error) {
	now := r.bucket.now()
	if u, ok := r.urls.get(key, filename, now, r.ttl/4); ok {
		return u, nil
	}
	req, err := r.presign.PresignGetObject(ctx, &s3.GetObjectInput{
		Bucket:                     &r.bucket.name,
		Key:                        &key,
		ResponseContentDisposition: aws.String(`attachment; filename="` + filename + `"`),
	}, s3.WithPresignExpires(r.ttl))
	if err != nil {
		return "", fmt.Errorf("presign %s: %w", key, err)
	}
	r.urls.put(key, filename, req.URL, now, r.ttl/4)
	return req.URL, nil
}
