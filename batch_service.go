package bulkverify

import (
	"context"
	"errors"
	"io"
)

// BatchService is the batch state the HTTP layer reads and changes: it
// creates, reads, lists, cancels and erases batches and holds the upload
// Idempotency-Keys.
type BatchService interface {
	// Create stores a new batch in state queued with its chunk payloads;
	// at most window chunks of it are released to the queue at a time.
	Create(ctx context.Context, b Batch, window int, chunks [][]byte) error
	// Get returns the batch with id, or an ENotFound *Error.
	Get(ctx context.Context, id string) (Batch, error)
	// List returns one page of a tenant's batches and how many match in
	// all.
	List(ctx context.Context, q ListQuery) ([]Batch, int, error)
	// Cancel moves a batch to cancelling. It returns an ENotFound *Error,
	// or an EBatchFinished one when the batch is past cancelling.
	Cancel(ctx context.Context, id string) (CancelResult, error)
	// Erase deletes every trace of an ended batch; a batch still running
	// gives an EBatchNotFinished *Error.
	Erase(ctx context.Context, b Batch) error
}

// IdempotencyService remembers which batch each Idempotency-Key of a
// tenant produced, so that a retried upload gets the same batch. A
// request holds the key it claimed by a lease of a few seconds that it
// renews while it runs: should it die, the key is free again once the
// lease runs out (or answers the batch it was creating).
type IdempotencyService interface {
	// ClaimIdempotencyKey claims key for tenant. When an earlier request
	// with the key created a batch (or died creating one) it returns that
	// batch's id and file's SHA-256; otherwise the caller now holds the
	// key and must renew its claim until it passes it to Resolve or
	// Release. A key held by a live request gives ErrIdempotencyPending.
	ClaimIdempotencyKey(ctx context.Context, tenant, key string) (IdempotencyClaim, error)
	// RenewIdempotencyKey extends the lease of claim c. It returns
	// ErrIdempotencyClaimLost when c no longer holds the key.
	RenewIdempotencyKey(ctx context.Context, tenant, key string, c IdempotencyClaim) error
	// BindIdempotencyKey records in claim c, before the batch is created,
	// that it makes batch id from a file whose SHA-256 is sha (hex), so
	// that a retry after the holder died gets that batch. It returns
	// ErrIdempotencyClaimLost when c no longer holds the key.
	BindIdempotencyKey(ctx context.Context, tenant, key string, c IdempotencyClaim, id, sha string) error
	// ResolveIdempotencyKey turns claim c into the record that key
	// produced batch id from a file whose SHA-256 is sha, kept for a day.
	// It returns ErrIdempotencyClaimLost when c no longer holds the key.
	ResolveIdempotencyKey(ctx context.Context, tenant, key string, c IdempotencyClaim, id, sha string) error
	// ReleaseIdempotencyKey frees the key held by claim c (a request that
	// failed, or a record whose batch is gone); another claim is left
	// alone.
	ReleaseIdempotencyKey(ctx context.Context, tenant, key string, c IdempotencyClaim)
}

// IdempotencyClaim is what claiming an Idempotency-Key found.
type IdempotencyClaim struct {
	// BatchID and SHA256 (hex) name the batch the key produced, or was
	// producing when its request died, and its file; both empty when the
	// caller now holds the key.
	BatchID, SHA256 string
	// Token identifies the claim (or the record) to Renew, Bind, Resolve
	// and Release.
	Token string
}

// CancelResult is what cancelling a batch found.
type CancelResult struct {
	// Cancelled is true when this call cancelled the batch; false when it
	// was cancelled already.
	Cancelled bool
	// Idle is true when no chunk is in flight: the caller must queue the
	// finalizer itself.
	Idle bool
}

// ErrIdempotencyPending is returned when a request with the same
// Idempotency-Key is still being processed.
var ErrIdempotencyPending = errors.New("a request with this Idempotency-Key is still being processed")

// ErrIdempotencyClaimLost is returned when a claim no longer holds its
// Idempotency-Key: its lease ran out and another request took the key.
var ErrIdempotencyClaimLost = errors.New("the claim of this Idempotency-Key ran out before the request ended")

// FileService is the object store the HTTP layer writes inputs to, reads
// results from and presigns outputs from.
type FileService interface {
	// PutInput seals a batch's uploaded CSV as it stores it and returns
	// its data key, wrapped.
	PutInput(ctx context.Context, id string, r io.Reader) (wrappedKey string, err error)
	// OpenInput returns the plaintext of a batch's stored input.
	OpenInput(ctx context.Context, id, wrappedKey string) (io.ReadCloser, error)
	// DeleteInput removes a batch's input (a rejected upload).
	DeleteInput(ctx context.Context, id string) error
	// OpenErrors returns a batch's errors.csv.
	OpenErrors(ctx context.Context, id string) (io.ReadCloser, error)
	// OpenOutput returns a batch's output.csv.
	OpenOutput(ctx context.Context, id string) (io.ReadCloser, error)
	// PresignOutput returns a URL that downloads a batch's output.csv.
	PresignOutput(ctx context.Context, id string) (string, error)
	// PresignErrors returns a URL that downloads a batch's errors.csv.
	PresignErrors(ctx context.Context, id string) (string, error)
	// DeleteBatch removes every file of a batch.
	DeleteBatch(ctx context.Context, id string) error
}
