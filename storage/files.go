package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/bulkverify/bulkverify/envelope"
)

// Files is a batch's files whole, for the API and the worker, which each
// need of both its input and its results: Inputs and Results on one
// Bucket, and DeleteBatch, which erases them together.
type Files struct {
	*Inputs
	*Results
	bucket *Bucket
}

// NewFiles returns the Files in b; inputs are sealed under data keys
// wrapped by keys; presigned URLs last ttl.
func NewFiles(b *Bucket, keys *envelope.Keyring, ttl time.Duration) *Files {
	return &Files{Inputs: NewInputs(b, keys), Results: NewResults(b, ttl), bucket: b}
}

// DeleteBatch removes every file of a batch (see Bucket.DeleteBatch).
func (f *Files) DeleteBatch(ctx context.Context, id string) error {
	return f.bucket.DeleteBatch(ctx, id)
}

// The layout of a batch's files, known to this package alone.
func batchPrefix(id string) string { return "batches/" + id + "/" }
func inputKey(id string) string    { return batchPrefix(id) + "input.csv" }
func outputKey(id string) string   { return batchPrefix(id) + "output.csv" }
func errorsKey(id string) string   { return batchPrefix(id) + "errors.csv" }
func partKey(id string, chunk int) string {
	return fmt.Sprintf("%sparts/%08d.csv", batchPrefix(id), chunk)
}
