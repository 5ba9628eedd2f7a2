package storage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// Files keeps batch files in one S3 bucket under batches/<request_id>/.
type Files struct {
	client   *s3.Client
	presign  *s3.PresignClient
	uploader *manager.Uploader
	bucket   string
	ttl      time.Duration
}

// NewFiles returns a Files over client and bucket; presigned URLs last ttl.
func NewFiles(client *s3.Client, bucket string, ttl time.Duration) *Files {
	return &Files{
		client:  client,
		presign: s3.NewPresignClient(client),
		uploader: manager.NewUploader(client, func(u *manager.Uploader) {
			u.PartSize = 8 << 20
			u.Concurrency = 2
		}),
		bucket: bucket,
		ttl:    ttl,
	}
}

// The layout of a batch's files, known to this package alone.
func inputKey(id string) string  { return "batches/" + id + "/input.csv" }
func outputKey(id string) string { return "batches/" + id + "/output.csv" }
func errorsKey(id string) string { return "batches/" + id + "/errors.csv" }
func partKey(id string, chunk int) string {
	return fmt.Sprintf("batches/%s/parts/%08d.csv", id, chunk)
}

// PutInput streams a batch's uploaded CSV to its input file.
func (f *Files) PutInput(ctx context.Context, id string, r io.Reader) error {
	return f.Upload(ctx, inputKey(id), r)
}

// OpenInput returns a batch's stored input.
func (f *Files) OpenInput(ctx context.Context, id string) (io.ReadCloser, error) {
	return f.Open(ctx, inputKey(id))
}

// OpenInputRange returns length bytes of a batch's input from offset: one
// chunk's rows.
func (f *Files) OpenInputRange(ctx context.Context, id string, offset, length int64) (io.ReadCloser, error) {
	return f.OpenRange(ctx, inputKey(id), offset, length)
}

// DeleteInput removes a batch's input (a rejected upload).
func (f *Files) DeleteInput(ctx context.Context, id string) error {
	return f.Delete(ctx, inputKey(id))
}

// PutPart writes one chunk's results whole; a repeated chunk overwrites
// its part.
func (f *Files) PutPart(ctx context.Context, id string, chunk int, b []byte) error {
	return f.Put(ctx, partKey(id, chunk), b)
}

// OpenPart returns one chunk's results.
func (f *Files) OpenPart(ctx context.Context, id string, chunk int) (io.ReadCloser, error) {
	return f.Open(ctx, partKey(id, chunk))
}

// PutOutput streams a batch's output.csv.
func (f *Files) PutOutput(ctx context.Context, id string, r io.Reader) error {
	return f.Upload(ctx, outputKey(id), r)
}

// PutErrors streams a batch's errors.csv.
func (f *Files) PutErrors(ctx context.Context, id string, r io.Reader) error {
	return f.Upload(ctx, errorsKey(id), r)
}

// OpenErrors returns a batch's errors.csv.
func (f *Files) OpenErrors(ctx context.Context, id string) (io.ReadCloser, error) {
	return f.Open(ctx, errorsKey(id))
}

// PresignOutput returns a URL that downloads a batch's output.csv.
func (f *Files) PresignOutput(ctx context.Context, id string) (string, error) {
	return f.PresignGet(ctx, outputKey(id), id+".csv")
}

// PresignErrors returns a URL that downloads a batch's errors.csv.
func (f *Files) PresignErrors(ctx context.Context, id string) (string, error) {
	return f.PresignGet(ctx, errorsKey(id), id+"-errors.csv")
}

// EnsureBucket checks that the bucket exists and, if create is set, creates
// it when it does not.
func (f *Files) EnsureBucket(ctx context.Context, create bool) error {
	_, err := f.client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &f.bucket})
	if err == nil {
		return nil
	}
	var nf *types.NotFound
	if !errors.As(err, &nf) {
		return fmt.Errorf("check bucket %s: %w", f.bucket, err)
	}
	if !create {
		return fmt.Errorf("bucket %s does not exist: create it or set BV_S3_BUCKET", f.bucket)
	}
	if _, err := f.client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &f.bucket}); err != nil {
		return fmt.Errorf("create bucket %s: %w", f.bucket, err)
	}
	return nil
}

// Ping checks that the bucket can be reached.
func (f *Files) Ping(ctx context.Context) error {
	_, err := f.client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &f.bucket})
	return err
}

// Upload streams r to key, in parts, without holding it in memory.
func (f *Files) Upload(ctx context.Context, key string, r io.Reader) error {
	_, err := f.uploader.Upload(ctx, &s3.PutObjectInput{
		Bucket:      &f.bucket,
		Key:         &key,
		Body:        r,
		ContentType: aws.String("text/csv; charset=utf-8"),
	})
	if err != nil {
		return fmt.Errorf("upload %s: %w", key, err)
	}
	return nil
}

// Put writes b whole to key; a repeated Put overwrites.
func (f *Files) Put(ctx context.Context, key string, b []byte) error {
	_, err := f.client.PutObject(ctx, &s3.PutObjectInput{
		Bucket:        &f.bucket,
		Key:           &key,
		Body:          bytes.NewReader(b),
		ContentLength: aws.Int64(int64(len(b))),
		ContentType:   aws.String("text/csv; charset=utf-8"),
	})
	if err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	return nil
}

// Open returns the content of key.
func (f *Files) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	out, err := f.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &f.bucket, Key: &key})
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", key, err)
	}
	return out.Body, nil
}

// OpenRange returns length bytes of key from offset.
func (f *Files) OpenRange(ctx context.Context, key string, offset, length int64) (io.ReadCloser, error) {
	rng := fmt.Sprintf("bytes=%d-%d", offset, offset+length-1)
	out, err := f.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &f.bucket, Key: &key, Range: &rng})
	if err != nil {
		return nil, fmt.Errorf("get %s %s: %w", key, rng, err)
	}
	return out.Body, nil
}

// Delete removes key; a missing key is not an error.
func (f *Files) Delete(ctx context.Context, key string) error {
	if _, err := f.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &f.bucket, Key: &key}); err != nil {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	return nil
}

// PresignGet returns a URL that downloads key, as filename, until the TTL
// runs out.
func (f *Files) PresignGet(ctx context.Context, key, filename string) (string, error) {
	req, err := f.presign.PresignGetObject(ctx, &s3.GetObjectInput{
		Bucket:                     &f.bucket,
		Key:                        &key,
		ResponseContentDisposition: aws.String(`attachment; filename="` + filename + `"`),
	}, s3.WithPresignExpires(f.ttl))
	if err != nil {
		return "", fmt.Errorf("presign %s: %w", key, err)
	}
	return req.URL, nil
}
