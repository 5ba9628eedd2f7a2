package bulkverify

import "context"

// IntakeService carries out what a client asks of one of its batches
// beyond reading it: cancelling and erasing it. The HTTP layer checks
// that the batch is the client's, then calls it.
type IntakeService interface {
	// Cancel stops batch b: no chunk is released any more and the rows in
	// flight are cut; when none is in flight it queues the finalizer
	// itself. It returns an ENotFound *Error, or an EBatchFinished one
	// when b is past cancelling.
	Cancel(ctx context.Context, b Batch) (CancelResult, error)
	// Erase deletes batch b now: its files first, then its state. A batch
	// that has not ended gives an EBatchNotFinished *Error.
	Erase(ctx context.Context, b Batch) error
}
