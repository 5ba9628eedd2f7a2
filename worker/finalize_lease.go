package worker

import (
	"context"
	"fmt"
	"time"

	"github.com/hibiken/asynq"

	"github.com/bulkverify/bulkverify/jobs"
)

// A finalizer holds a lease of its own while it runs, renewed with the
// chunks' leases (see Leases), so that a worker killed while it assembles
// a batch (a million rows take the longest task there is) is noticed within
// the lease's TTL and the sweepers queue the finalizer again on another
// worker, instead of waiting a minute or two for asynq's recovery.
// Assembly is idempotent: the copy rebuilds the same files.

// finalizeLease is the chunk index whose lease is the finalizer's: the
// leases of a batch's chunks and of its finalizer are kept, renewed and
// counted the same way, under the batch's hash tag.
const finalizeLease = -1

// holdFinalize takes the finalizer's lease on batch id, renewed until its
// release.
func (h *Handlers) holdFinalize(ctx context.Context, id string) (release func()) {
	_, drop := h.Leases.Hold(ctx, id, finalizeLease)
	return func() { drop(false) }
}

// rescueFinalizer queues again the finalizer of batch id when asynq holds
// it as running and nobody holds its lease, on two sweeps in a row. The
// copy has a task ID of its own; when asynq gives the original back, it
// finds the batch finished (and announces it again, which queues nothing
// more).
func (s *Sweeper) rescueFinalizer(ctx context.Context, id string, seen map[string]bool) error {
	leased, err := s.Leases.LeasedChunks(ctx, id, []int{finalizeLease})
	if err != nil || leased[finalizeLease] {
		return err
	}
	taskID := jobs.FinalizeTaskID(id)
	if ok, err := s.orphaned(ctx, jobs.QueueFinalize, taskID, id, finalizeLease, seen); err != nil || !ok {
		return err
	}
	orig := jobs.NewFinalizeTask(id)
	task := asynq.NewTask(orig.Type(), orig.Payload(), asynq.Queue(jobs.QueueFinalize),
		asynq.TaskID(rescueTaskID(taskID, s.now())), asynq.MaxRetry(jobs.ChunkMaxRetry))
	if _, err := s.Queue.EnqueueContext(ctx, task); err != nil {
		return fmt.Errorf("queue finalizer of batch %s again: %w", id, err)
	}
	s.Log.Warn("finalizer left running by a worker whose lease lapsed: queued again", "batch", id, "since", s.now().Sub(s.suspects[taskID]).Round(time.Second))
	delete(s.suspects, taskID)
	return nil
}
