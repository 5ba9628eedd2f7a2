package worker

import (
	"context"
	"errors"
	"log/slog"
	"time"
)

// RetentionStore is the batch state the reaper walks.
type RetentionStore interface {
	DueForExpiry(ctx context.Context, limit int) ([]string, error)
	MarkExpired(ctx context.Context, id string) (bool, error)
}

// BatchFiles deletes what a batch keeps in the object store.
type BatchFiles interface {
	DeleteBatch(ctx context.Context, id string) error
	AbortStaleUploads(ctx context.Context, olderThan time.Duration) (int, error)
}

// Reaper enforces retention: a batch finished more than BV_RETENTION ago
// loses its files (input, parts, outputs), checkpoints and data key, and
// its state becomes expired. It also aborts multipart uploads left behind
// by a process that died mid-upload. Every step is idempotent, so every
// worker runs one.
type Reaper struct {
	Batches RetentionStore
	Files   BatchFiles
	// StaleUploadAge is how old an unfinished multipart upload must be to
	// be aborted.
	StaleUploadAge time.Duration
	// OnExpired, when set, is called for each batch expired (to send its
	// batch.expired webhook).
	OnExpired func(ctx context.Context, id string) error
	Every     time.Duration
	Log       *slog.Logger

	loop periodic
}

// Start reaps every r.Every until Shutdown.
func (r *Reaper) Start() { r.loop.start(r.Every, r.Log, "retention sweep", r.Reap) }

// Shutdown stops reaping and waits for a sweep in progress.
func (r *Reaper) Shutdown() { r.loop.shutdown() }

// Reap expires the batches due, 100 at a time until none is left, and
// aborts stale uploads.
func (r *Reaper) Reap(ctx context.Context) error {
	var errs []error
	for {
		ids, err := r.Batches.DueForExpiry(ctx, 100)
		if err != nil {
			return err
		}
		progressed := false
		for _, id := range ids {
			if err := r.expire(ctx, id); err != nil {
				errs = append(errs, err)
				continue
			}
			progressed = true
		}
		if len(ids) < 100 || !progressed {
			break
		}
	}
	if n, err := r.Files.AbortStaleUploads(ctx, r.StaleUploadAge); err != nil {
		errs = append(errs, err)
	} else if n > 0 {
		r.Log.Warn("aborted stale multipart uploads", "count", n)
	}
	return errors.Join(errs...)
}

func (r *Reaper) expire(ctx context.Context, id string) error {
	if err := r.Files.DeleteBatch(ctx, id); err != nil {
		return err
	}
	expired, err := r.Batches.MarkExpired(ctx, id)
	if err != nil || !expired {
		return err
	}
	r.Log.Info("batch expired: its files, checkpoints and data key are deleted", "request_id", id)
	if r.OnExpired != nil {
		return r.OnExpired(ctx, id)
	}
	return nil
}
