package worker

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/storage"
)

// SweepStore is the batch state the sweeper walks.
type SweepStore interface {
	Active(ctx context.Context) ([]string, error)
	Get(ctx context.Context, id string) (bulkverify.Batch, error)
	Forget(ctx context.Context, id string) error
}

// Sweeper finishes what a crash interrupted: it releases the next chunks of
// batches whose window has room (a worker died between completing a chunk
// and releasing the next) and queues the finalizer of batches whose chunks
// are all done. Every step is idempotent, so every worker runs one.
type Sweeper struct {
	Batches  SweepStore
	Feeder   Releaser
	Handlers *Handlers
	Every    time.Duration
	Log      *slog.Logger
}

// Run sweeps every s.Every until ctx ends.
func (s *Sweeper) Run(ctx context.Context) {
	t := time.NewTicker(s.Every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.Sweep(ctx); err != nil && ctx.Err() == nil {
				s.Log.Warn("sweep", "err", err)
			}
		}
	}
}

// Sweep walks the active batches once.
func (s *Sweeper) Sweep(ctx context.Context) error {
	ids, err := s.Batches.Active(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, id := range ids {
		b, err := s.Batches.Get(ctx, id)
		switch {
		case errors.Is(err, storage.ErrBatchNotFound) || (err == nil && b.State == bulkverify.StateCompleted):
			errs = append(errs, s.Batches.Forget(ctx, id))
		case err != nil:
			errs = append(errs, err)
		case b.DoneChunks >= b.Chunks:
			errs = append(errs, s.Handlers.enqueueFinalize(ctx, id))
		default:
			_, err := s.Feeder.Release(ctx, id)
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
