package bulkverify

import (
	"context"
	"io"
)

// IntakeService carries out what a client asks of its batches beyond
// reading them: submitting a file (or dry-running it), retrying a
// finished batch's failed rows, cancelling and erasing a batch. The HTTP
// layer reads the request and checks that the batch is the client's,
// then calls it.
type IntakeService interface {
	// Submit checks req's file and, unless req.DryRun, stores, splits and
	// queues it as a new batch in state queued. Under an IdempotencyKey
	// the key's batch is answered again (Replayed) for the same file. It
	// returns an *Error for a file that cannot be accepted
	// (EInvalidFile, EEmptyFile, EMissingColumn, ...), an
	// EIdempotencyKeyReused one for the key with another file, and an
	// EConflict one while another live request holds the key.
	Submit(ctx context.Context, req SubmitRequest) (SubmitResult, error)
	// Retry makes a child batch of req.Parent's retryable rows (of
	// req.Codes when set), linked by ParentID and numbered like the
	// parent. It returns an EBatchExpired or EBatchNotFinished *Error for
	// a parent it cannot retry, an ENothingToRetry one when no row
	// qualifies, or what req.Provider returns.
	Retry(ctx context.Context, req RetryRequest) (Batch, error)
	// Cancel stops batch b: no chunk is released any more and the rows in
	// flight are cut; when none is in flight it queues the finalizer
	// itself. It returns an ENotFound *Error, or an EBatchFinished one
	// when b is past cancelling.
	Cancel(ctx context.Context, b Batch) (CancelResult, error)
	// Erase deletes batch b now: its files first, then its state. A batch
	// that has not ended gives an EBatchNotFinished *Error.
	Erase(ctx context.Context, b Batch) error
}

// BatchOptions are what an upload may ask of its batch beside the file.
type BatchOptions struct {
	Metadata       map[string]string
	CallbackURL    string
	MaxFailureRate *float64
}

// SubmitRequest is one upload: a tenant's file for a provider.
type SubmitRequest struct {
	Tenant  string
	Spec    Spec
	Options BatchOptions
	// DryRun checks the file only: nothing is stored or queued and the
	// IdempotencyKey is not used.
	DryRun bool
	// IdempotencyKey, when set, makes the upload happen once per key and
	// file (see IdempotencyService).
	IdempotencyKey string
	File           io.Reader
	// Size is about the file's size in bytes, -1 when unknown.
	Size int64
	// After, when set, is called once File is read whole, before the batch
	// is created: it reads what the request carries after the file and
	// returns the options to use instead of Options, or nil to keep them.
	After func(ctx context.Context) (*BatchOptions, error)
	// ReadError, when set, turns an error met while reading and storing
	// File (or in After) into the error Submit returns: a body that is
	// too big, too slow or cut off is the client's fault, not the
	// service's.
	ReadError func(error) error
}

// SubmitResult is what a submit produced.
type SubmitResult struct {
	// Batch is the batch created, or the Idempotency-Key's first batch
	// when Replayed. Empty for a dry run.
	Batch    Batch
	Replayed bool
	// IgnoredColumns are the file's columns the provider does not read
	// (not known when Replayed).
	IgnoredColumns []string
	// DryRun is set for a dry run, which creates no batch.
	DryRun *DryRunReport
}

// DryRunReport is what checking a file without storing it found.
type DryRunReport struct {
	TotalRows    int
	RejectedRows int
	Duplicates   int
	// Problems are the first rejected rows' problems.
	Problems       []RowProblem
	IgnoredColumns []string
}

// RowProblem is why one row cannot be verified, as a dry run reports it.
type RowProblem struct {
	RowNumber int    `json:"row_number"`
	Column    string `json:"column"`
	Reason    string `json:"reason"`
}

// RetryRequest asks for a child batch of a finished batch's retryable
// rows.
type RetryRequest struct {
	Parent Batch
	// Codes, when set, retries only the rows that failed with one of
	// these codes.
	Codes []string
	// Provider returns the parent's provider's Spec if the parent's
	// tenant may still upload to it on this service, else the error to
	// answer; it is called once the parent is found retryable.
	Provider func(name string) (Spec, error)
}
