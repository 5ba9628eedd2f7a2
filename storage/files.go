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

// Keys of a batch's files.
func InputKey(id string) string  { return "batches/" + id + "/input.csv" }
func OutputKey(id string) string { return "batches/" + id + "/output.csv" }
func ErrorsKey(id string) string { return "batches/" + id + "/errors.csv" }
func PartKey(id string, chunk int) string {
	return fmt.Sprintf("batches/%s/parts/%08d.csv", id, chunk)
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
