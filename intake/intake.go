// Package intake carries out what a client asks of its batches beyond
// reading them: it implements bulkverify.IntakeService (submit, dry run,
// retry, cancel, erase) over the batch, file and idempotency services and
// the queue.
package intake

import (
	"context"
	"log/slog"
	"time"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/jobs"
)

// Releaser moves a batch's chunks into the queue as its window allows.
type Releaser interface {
	Release(ctx context.Context, batchID string) (int, error)
}

// Service is the intake service.
type Service struct {
	Batches bulkverify.BatchService
	Files   bulkverify.FileService
	// Idempotency holds the uploads' Idempotency-Keys.
	Idempotency bulkverify.IdempotencyService
	// Queue takes the finalizer of a batch cancelled with nothing in
	// flight.
	Queue jobs.Enqueuer
	// Feeder releases a new batch's first chunks.
	Feeder Releaser
	// Specs are every known provider's columns, by name: a claim column
	// refused for one provider names those that check it.
	Specs map[string]bulkverify.Spec
	// ChunkSize is the rows of a chunk; MaxChunks bounds the chunks of an
	// upload, whether or not its length is known (see
	// batchcsv.Options.MaxChunks).
	ChunkSize int
	MaxChunks int
	// MaxColumns, MaxLineBytes and MaxRows bound an upload's header
	// columns, the length of each of its records and its data rows
	// (TOO_MANY_COLUMNS, LINE_TOO_LONG, TOO_MANY_ROWS); 0 is no bound.
	MaxColumns   int
	MaxLineBytes int
	MaxRows      int
	// BatchWindow is how many chunks of one batch may be queued at once;
	// TenantWeights multiplies it per client_id.
	BatchWindow   int
	TenantWeights map[string]int
	// RenewEvery is how often a running upload renews the lease on its
	// Idempotency-Key; it must be well under the lease. 0: 3 s.
	RenewEvery time.Duration
	Now        func() time.Time
	Log        *slog.Logger
}
