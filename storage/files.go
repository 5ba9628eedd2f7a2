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

	"github.com/bulkverify/bulkverify/envelope"
)

// Files keeps batch files in one S3 bucket under batches/<request_id>/. A
// batch's input is sealed under a data key of its own (see envelope),
// which PutInput returns wrapped by the service key; the outputs hold no
// secret. Every object is written with the store's server-side encryption
// (SetEncryption), and erasing a batch deletes every version of its
// objects.
type Files struct {
	client  *s3.Client
	presign *s3.PresignClient
	keys    *envelope.Keyring
	bucket  string
	ttl     time.Duration
	now     func() time.Time
	urls    presignedURLs
	sse     Encryption
}

// NewFiles returns a Files over client and bucket; inputs are sealed
// under data keys wrapped by keys; presigned URLs last ttl.
func NewFiles(client *s3.Client, bucket string, keys *envelope.Keyring, ttl time.Duration) *Files {
	return &Files{client: client, presign: s3.NewPresignClient(client), keys: keys, bucket: bucket, ttl: ttl, now: time.Now}
}

// The layout of a batch's files, known to this package alone.
func batchPrefix(id string) string { return "batches/" + id + "/" }
func inputKey(id string) string    { return batchPrefix(id) + "input.csv" }
func outputKey(id string) string   { return batchPrefix(id) + "output.csv" }
func errorsKey(id string) string   { return batchPrefix(id) + "errors.csv" }
func partKey(id string, chunk int) string {
	return fmt.Sprintf("%sparts/%08d.csv", batchPrefix(id), chunk)
}

// PutInput seals a batch's uploaded CSV under a new data key as it streams
// it to the batch's input file, and returns the data key wrapped by the
// service key. The plaintext is never stored.
func (f *Files) PutInput(ctx context.Context, id string, r io.Reader) (string, error) {
	key := envelope.NewDataKey()
	enc, err := envelope.NewEncrypter(key, id, r)
	if err != nil {
		return "", err
	}
	if err := f.Upload(ctx, inputKey(id), enc, "application/octet-stream"); err != nil {
		return "", err
	}
	return f.keys.Wrap(id, key), nil
}

// OpenInput returns the plaintext of a batch's stored input.
func (f *Files) OpenInput(ctx context.Context, id, wrappedKey string) (io.ReadCloser, error) {
	key, err := f.keys.Unwrap(id, wrappedKey)
	if err != nil {
		return nil, err
	}
	body, err := f.Open(ctx, inputKey(id))
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
func (f *Files) OpenInputRange(ctx context.Context, id, wrappedKey string, offset, length int64) (io.ReadCloser, error) {
	key, err := f.keys.Unwrap(id, wrappedKey)
	if err != nil {
		return nil, err
	}
	so, sl, _ := envelope.RangeOf(offset, length)
	body, err := f.OpenRange(ctx, inputKey(id), so, sl)
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
func (f *Files) DeleteInput(ctx context.Context, id string) error {
	return f.deleteAll(ctx, inputKey(id))
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
	return f.upload(ctx, outputKey(id), r, csvType, outputUploads)
}

// PutErrors streams a batch's errors.csv.
func (f *Files) PutErrors(ctx context.Context, id string, r io.Reader) error {
	return f.Upload(ctx, errorsKey(id), r, csvType)
}

// OpenOutput returns a batch's output.csv.
func (f *Files) OpenOutput(ctx context.Context, id string) (io.ReadCloser, error) {
	return f.Open(ctx, outputKey(id))
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

// DeleteBatch removes every file of a batch, input, parts and outputs, in
// every version a versioned bucket keeps, and their delete markers.
func (f *Files) DeleteBatch(ctx context.Context, id string) error {
	if err := f.deleteAll(ctx, batchPrefix(id)); err != nil {
		return fmt.Errorf("delete files of batch %s: %w", id, err)
	}
	return nil
}

// AbortStaleUploads aborts the multipart uploads under batches/ begun
// more than olderThan ago (an upload whose process died), and returns how
// many it aborted.
func (f *Files) AbortStaleUploads(ctx context.Context, olderThan time.Duration) (int, error) {
	out, err := f.client.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: &f.bucket, Prefix: aws.String("batches/")})
	if err != nil {
		return 0, fmt.Errorf("list multipart uploads: %w", err)
	}
	n := 0
	for _, u := range out.Uploads {
		if u.Initiated == nil || f.now().Sub(*u.Initiated) < olderThan {
			continue
		}
		_, err := f.client.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: &f.bucket, Key: u.Key, UploadId: u.UploadId})
		if err != nil {
			return n, fmt.Errorf("abort multipart upload of %s: %w", *u.Key, err)
		}
		n++
	}
	return n, nil
}

// EnsureBucket checks that the bucket exists and, if create is set, creates
// it when it does not; then that it takes f's encryption
// (CheckEncryption).
func (f *Files) EnsureBucket(ctx context.Context, create bool) error {
	if err := f.ensureBucket(ctx, create); err != nil {
		return err
	}
	return f.CheckEncryption(ctx)
}

func (f *Files) ensureBucket(ctx context.Context, create bool) error {
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

const csvType = "text/csv; charset=utf-8"

// PartSize is the size of a multipart upload's parts, S3's smallest. An
// upload holds one buffer of this size, taken from a pool, whatever the
// size of the file.
const PartSize = 5 << 20

var partBuffers = sync.Pool{New: func() any { b := make([]byte, PartSize); return &b }}

// Upload streams r to key one part at a time through one pooled buffer, so
// that memory per upload is constant. A file smaller than a part is one
// PutObject. An upload that fails (a read error: the client went away) is
// aborted at once, on a context of its own so that a cancelled request
// does not leave it behind.
func (f *Files) Upload(ctx context.Context, key string, r io.Reader, contentType string) error {
	return f.upload(ctx, key, r, contentType, 1)
}

// outputUploads is how many parts of an output are uploaded at once while
// the finalizer writes the next: it holds that many buffers and one more.
const outputUploads = 3

// upload is Upload with up to parallel parts in flight while r is read.
func (f *Files) upload(ctx context.Context, key string, r io.Reader, contentType string, parallel int) error {
	bufp := partBuffers.Get().(*[]byte)
	n, err := io.ReadFull(r, *bufp)
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		defer partBuffers.Put(bufp)
		return f.put(ctx, key, (*bufp)[:n], contentType)
	}
	if err != nil {
		partBuffers.Put(bufp)
		return fmt.Errorf("upload %s: %w", key, err)
	}
	up, err := f.client.CreateMultipartUpload(ctx, f.sse.createMultipartUpload(&s3.CreateMultipartUploadInput{Bucket: &f.bucket, Key: &key, ContentType: &contentType}))
	if err != nil {
		partBuffers.Put(bufp)
		return fmt.Errorf("upload %s: %w", key, err)
	}
	if err := f.uploadParts(ctx, key, up.UploadId, r, bufp, n, parallel); err != nil {
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if _, aerr := f.client.AbortMultipartUpload(actx, &s3.AbortMultipartUploadInput{Bucket: &f.bucket, Key: &key, UploadId: up.UploadId}); aerr != nil {
			err = fmt.Errorf("%w (and aborting the upload failed: %v; the sweeper aborts it later)", err, aerr)
		}
		return fmt.Errorf("upload %s: %w", key, err)
	}
	return nil
}

// uploadParts uploads (*bufp)[:n], then the rest of r part by part, up to
// parallel at once, and completes the upload. It returns every buffer to
// the pool.
func (f *Files) uploadParts(ctx context.Context, key string, uploadID *string, r io.Reader, bufp *[]byte, n, parallel int) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(parallel, 1))
	var mu sync.Mutex
	var parts []types.CompletedPart
	for num := int32(1); ; num++ {
		body, size := bufp, n
		send := func() error {
			defer partBuffers.Put(body)
			out, err := f.client.UploadPart(gctx, &s3.UploadPartInput{
				Bucket: &f.bucket, Key: &key, UploadId: uploadID, PartNumber: aws.Int32(num),
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
	_, err := f.client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
		Bucket: &f.bucket, Key: &key, UploadId: uploadID, MultipartUpload: &types.CompletedMultipartUpload{Parts: parts},
	})
	return err
}

func (f *Files) put(ctx context.Context, key string, b []byte, contentType string) error {
	_, err := f.client.PutObject(ctx, f.sse.putObject(&s3.PutObjectInput{
		Bucket:        &f.bucket,
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

// Put writes b whole to key; a repeated Put overwrites.
func (f *Files) Put(ctx context.Context, key string, b []byte) error {
	return f.put(ctx, key, b, csvType)
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

// PresignGet returns a URL that downloads key, as filename, until the TTL
// runs out. A URL is handed out again while at least three quarters of its
// TTL are left, so that polling a finished batch does not sign two URLs a
// request; every URL given out stays valid for most of the TTL.
func (f *Files) PresignGet(ctx context.Context, key, filename string) (string, error) {
	now := f.now()
	if u, ok := f.urls.get(key, filename, now, f.ttl/4); ok {
		return u, nil
	}
	req, err := f.presign.PresignGetObject(ctx, &s3.GetObjectInput{
		Bucket:                     &f.bucket,
		Key:                        &key,
		ResponseContentDisposition: aws.String(`attachment; filename="` + filename + `"`),
	}, s3.WithPresignExpires(f.ttl))
	if err != nil {
		return "", fmt.Errorf("presign %s: %w", key, err)
	}
	f.urls.put(key, filename, req.URL, now, f.ttl/4)
	return req.URL, nil
}
