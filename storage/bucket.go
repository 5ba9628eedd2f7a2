package storage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"golang.org/x/sync/errgroup"
)

// Bucket is the one S3 bucket the batch files live in, under
// batches/<request_id>/: its client, its name and the server-side
// encryption every object is written with (SetEncryption). Inputs and
// Results are built on one Bucket; it checks and pings the bucket, and
// erases what a batch keeps there (DeleteBatch, AbortStaleUploads), in
// every version a versioned bucket keeps.
type Bucket struct {
	client *s3.Client
	name   string
	now    func() time.Time
	sse    Encryption
}

// NewBucket returns the Bucket name reached through client.
func NewBucket(client *s3.Client, name string) *Bucket {
	return &Bucket{client: client, name: name, now: time.Now}
}

// DeleteBatch removes every file of a batch, input, parts and outputs, in
// every version a versioned bucket keeps, and their delete markers.
func (bk *Bucket) DeleteBatch(ctx context.Context, id string) error {
	if err := bk.deleteAll(ctx, batchPrefix(id)); err != nil {
		return fmt.Errorf("delete files of batch %s: %w", id, err)
	}
	return nil
}

// AbortStaleUploads aborts the multipart uploads under batches/ begun
// more than olderThan ago (an upload whose process died), and returns how
// many it aborted.
func (bk *Bucket) AbortStaleUploads(ctx context.Context, olderThan time.Duration) (int, error) {
	out, err := bk.client.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: &bk.name, Prefix: aws.String("batches/")})
	if err != nil {
		return 0, fmt.Errorf("list multipart uploads: %w", err)
	}
	n := 0
	for _, u := range out.Uploads {
		if u.Initiated == nil || bk.now().Sub(*u.Initiated) < olderThan {
			continue
		}
		_, err := bk.client.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: &bk.name, Key: u.Key, UploadId: u.UploadId})
		if err != nil {
			return n, fmt.Errorf("abort multipart upload of %s: %w", *u.Key, err)
		}
		n++
	}
	return n, nil
}

// EnsureBucket checks that the bucket exists and, if create is set, creates
// it when it does not; then that it takes bk's encryption
// (CheckEncryption).
func (bk *Bucket) EnsureBucket(ctx context.Context, create bool) error {
	if err := bk.ensureBucket(ctx, create); err != nil {
		return err
	}
	return bk.CheckEncryption(ctx)
}

func (bk *Bucket) ensureBucket(ctx context.Context, create bool) error {
	_, err := bk.client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &bk.name})
	if err == nil {
		return nil
	}
	var nf *types.NotFound
	if !errors.As(err, &nf) {
		return fmt.Errorf("check bucket %s: %w", bk.name, err)
	}
	if !create {
		return fmt.Errorf("bucket %s does not exist: create it or set BV_S3_BUCKET", bk.name)
	}
	if _, err := bk.client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bk.name}); err != nil {
		return fmt.Errorf("create bucket %s: %w", bk.name, err)
	}
	return nil
}

// Ping checks that the bucket can be reached.
func (bk *Bucket) Ping(ctx context.Context) error {
	_, err := bk.client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &bk.name})
	return err
}

const csvType = "text/csv; charset=utf-8"

// PartSize is the size of a multipart upload's parts, S3's smallest. An
// upload holds one buffer of this size, taken from a pool, whatever the
// size of the file.
const PartSize = 5 << 20

var partBuffers = sync.Pool{New: func() any { b := make([]byte, PartSize); return &b }}

// outputUploads is how many parts of an output are uploaded at once while
// the finalizer writes the next: it holds that many buffers and one more.
const outputUploads = 3

// upload streams r to key one part at a time through one pooled buffer, so
// that memory per upload is constant. A file smaller than a part is one
// PutObject. An upload that fails (a read error: the client went away) is
// aborted at once, on a context of its own so that a cancelled request
// does not leave it behind. Up to parallel parts are in flight while r is
// read.
func (bk *Bucket) upload(ctx context.Context, key string, r io.Reader, contentType string, parallel int) error {
	bufp := partBuffers.Get().(*[]byte)
	n, err := io.ReadFull(r, *bufp)
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		defer partBuffers.Put(bufp)
		return bk.put(ctx, key, (*bufp)[:n], contentType)
	}
	if err != nil {
		partBuffers.Put(bufp)
		return fmt.Errorf("upload %s: %w", key, err)
	}
	up, err := bk.client.CreateMultipartUpload(ctx, bk.sse.createMultipartUpload(&s3.CreateMultipartUploadInput{Bucket: &bk.name, Key: &key, ContentType: &contentType}))
	if err != nil {
		partBuffers.Put(bufp)
		return fmt.Errorf("upload %s: %w", key, err)
	}
	if err := bk.uploadParts(ctx, key, up.UploadId, r, bufp, n, parallel); err != nil {
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if _, aerr := bk.client.AbortMultipartUpload(actx, &s3.AbortMultipartUploadInput{Bucket: &bk.name, Key: &key, UploadId: up.UploadId}); aerr != nil {
			err = fmt.Errorf("%w (and aborting the upload failed: %v; the sweeper aborts it later)", err, aerr)
		}
		return fmt.Errorf("upload %s: %w", key, err)
	}
	return nil
}

// uploadParts uploads (*bufp)[:n], then the rest of r part by part, up to
// parallel at once, and completes the upload. It returns every buffer to
// the pool.
func (bk *Bucket) uploadParts(ctx context.Context, key string, uploadID *string, r io.Reader, bufp *[]byte, n, parallel int) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(parallel, 1))
	var mu sync.Mutex
	var parts []types.CompletedPart
	for num := int32(1); ; num++ {
		body, size := bufp, n
		send := func() error {
			defer partBuffers.Put(body)
			out, err := bk.client.UploadPart(gctx, &s3.UploadPartInput{
				Bucket: &bk.name, Key: &key, UploadId: uploadID, PartNumber: aws.Int32(num),
				Body: bytes.NewReader((*body)[:size]), ContentLength: aws.Int64(int64(size)),
			})
			if err != nil {
				return fmt.Errorf("part %d: %w", num, err)
			}
			mu.Lock()
			parts = append(parts, types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(num)})
			mu.Unlock()
			return nil
		}
		if parallel <= 1 {
			if err := send(); err != nil {
				return err
			}
		} else {
			g.Go(send) // waits while parallel parts are in flight
		}
		if gctx.Err() != nil {
			break
		}
		bufp = partBuffers.Get().(*[]byte)
		var err error
		n, err = io.ReadFull(r, *bufp)
		if err == io.EOF {
			partBuffers.Put(bufp)
			break
		}
		if err != nil && err != io.ErrUnexpectedEOF {
			partBuffers.Put(bufp)
			return errors.Join(err, g.Wait())
		}
	}
	if err := g.Wait(); err != nil {
		return err
	}
	slices.SortFunc(parts, func(a, b types.CompletedPart) int { return int(*a.PartNumber - *b.PartNumber) })
	_, err := bk.client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
		Bucket: &bk.name, Key: &key, UploadId: uploadID, MultipartUpload: &types.CompletedMultipartUpload{Parts: parts},
	})
	return err
}

func (bk *Bucket) put(ctx context.Context, key string, b []byte, contentType string) error {
	_, err := bk.client.PutObject(ctx, bk.sse.putObject(&s3.PutObjectInput{
		Bucket:        &bk.name,
		Key:           &key,
		Body:          bytes.NewReader(b),
		ContentLength: aws.Int64(int64(len(b))),
		ContentType:   &contentType,
	}))
	if err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	return nil
}

// open returns the content of key.
func (bk *Bucket) open(ctx context.Context, key string) (io.ReadCloser, error) {
	out, err := bk.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &bk.name, Key: &key})
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", key, err)
	}
	return out.Body, nil
}

// openRange returns length bytes of key from offset.
func (bk *Bucket) openRange(ctx context.Context, key string, offset, length int64) (io.ReadCloser, error) {
	rng := fmt.Sprintf("bytes=%d-%d", offset, offset+length-1)
	out, err := bk.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &bk.name, Key: &key, Range: &rng})
	if err != nil {
		return nil, fmt.Errorf("get %s %s: %w", key, rng, err)
	}
	return out.Body, nil
}
