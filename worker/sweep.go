package worker

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"

	"github.com/bulkverify/bulkverify"

	"github.com/bulkverify/bulkverify/jobs"
)

// SweepStore is the batch state the sweeper walks.
type SweepStore interface {
	Active(ctx context.Context) ([]string, error)
	Get(ctx context.Context, id string) (bulkverify.Batch, error)
	Forget(ctx context.Context, id string) error
	InFlight(ctx context.Context, id string) ([]int, error)
}

// TaskInspector finds and revives archived tasks.
type TaskInspector interface {
	GetTaskInfo(queue, id string) (*asynq.TaskInfo, error)
	RunTask(queue, id string) error
}

// Sweeper finishes what a crash interrupted: it releases the next chunks of
// batches whose window has room (a worker died between completing a chunk
// and releasing the next) and queues the finalizer of batches whose chunks
// are all done. It also runs again the tasks of active batches that asynq
// archived after their last retry (S3 or Redis down for hours), so that
// no batch stays in progress for ever. Every step is idempotent, so every
// worker runs one.
type Sweeper struct {
	Batches SweepStore
	Feeder  Releaser
	Tasks   TaskInspector
	Queue   Enqueuer
	Every   time.Duration
	Log     *slog.Logger
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
		if err == nil && b.Stop != "" {
			var inflight []int
			inflight, err = s.Batches.InFlight(ctx, id)
			if len(inflight) == 0 {
				b.DoneChunks = b.Chunks // ready: nothing more will be released
			}
		}
		switch {
		case bulkverify.ErrorCode(err) == bulkverify.ENotFound || (err == nil && b.State.Ended()):
			errs = append(errs, s.Batches.Forget(ctx, id))
		case err != nil:
			errs = append(errs, err)
		case b.DoneChunks >= b.Chunks:
			errs = append(errs, jobs.EnqueueFinalize(ctx, s.Queue, id), s.revive(jobs.QueueFinalize, jobs.FinalizeTaskID(id)))
		default:
			_, err := s.Feeder.Release(ctx, id)
			errs = append(errs, err, s.reviveChunks(ctx, id))
		}
	}
	return errors.Join(errs...)
}

func (s *Sweeper) reviveChunks(ctx context.Context, id string) error {
	chunks, err := s.Batches.InFlight(ctx, id)
	if err != nil {
		return err
	}
	var errs []error
	for _, c := range chunks {
		errs = append(errs, s.revive(jobs.QueueChunks, jobs.ChunkTaskID(id, c)))
	}
	return errors.Join(errs...)
}

// revive runs an archived task again.
func (s *Sweeper) revive(queue, taskID string) error {
	info, err := s.Tasks.GetTaskInfo(queue, taskID)
	if errors.Is(err, asynq.ErrTaskNotFound) || errors.Is(err, asynq.ErrQueueNotFound) {
		return nil
	}
	if err != nil || info.State != asynq.TaskStateArchived {
		return err
	}
	s.Log.Warn("running an archived task again", "task", taskID, "last_error", info.LastErr)
	return s.Tasks.RunTask(queue, taskID)
}
