package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/hibiken/asynq"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/jobs"
)

// SweepStore is the batch state the sweeper reads.
type SweepStore interface {
	Get(ctx context.Context, id string) (bulkverify.Batch, error)
}

// SweepChunks is the chunk state the sweeper walks: the active batches,
// their chunks in flight and payloads.
type SweepChunks interface {
	Active(ctx context.Context) ([]string, error)
	Forget(ctx context.Context, id string) error
	InFlight(ctx context.Context, id string) ([]int, error)
	ChunkPayloads(ctx context.Context, id string) (map[int][]byte, error)
}

// RescueStore is what the sweeper reads of the chunks' leases: which are
// held, and one sweeper's claim to queue a chunk again.
type RescueStore interface {
	LeasedChunks(ctx context.Context, id string, chunks []int) (map[int]bool, error)
	ClaimRescue(ctx context.Context, id string, chunk int, ttl time.Duration) (bool, error)
}

// TaskInspector finds and revives archived tasks.
type TaskInspector interface {
	GetTaskInfo(queue, id string) (*asynq.TaskInfo, error)
	RunTask(queue, id string) error
}

// Sweeper finishes what a crash interrupted: it releases the next chunks of
// batches whose window has room (a worker died between completing a chunk
// and releasing the next) and queues the finalizer of batches whose chunks
// are all done. It queues again, at once, a chunk or a finalizer that
// asynq holds as running but whose worker's lease (see Leases) has lapsed
// on two sweeps in a row: its worker died, and asynq would give it back
// only a minute or two later. It also runs again the tasks of active
// batches that asynq archived after their last retry (S3 or Redis down for
// hours), so that no batch stays in progress for ever, and drains the
// webhook outboxes (Events). Every step is idempotent, so every worker
// runs one.
type Sweeper struct {
	Batches SweepStore
	Chunks  SweepChunks
	Leases  RescueStore
	Feeder  Releaser
	Tasks   TaskInspector
	Queue   Enqueuer
	// Events, when set, drains the batches' webhook outboxes on every
	// sweep: the events of state changes whose process died before
	// queuing them.
	Events EventDrainer
	Every  time.Duration
	Log    *slog.Logger
	Now    func() time.Time

	// suspects are the running chunks seen without a lease, and when.
	suspects map[string]time.Time
	loop     periodic
}

// EventDrainer queues the events that state changes left in the batches'
// outboxes (webhook.Outbox).
type EventDrainer interface {
	Drain(ctx context.Context) error
}

// rescueClaim is how long the sweeper that queued a chunk again keeps the
// others from doing it too.
const rescueClaim = time.Minute

// Start sweeps every s.Every until Shutdown.
func (s *Sweeper) Start() { s.loop.start(s.Every, s.Log, "sweep", s.Sweep) }

// Shutdown stops sweeping and waits for a sweep in progress.
func (s *Sweeper) Shutdown() { s.loop.shutdown() }

// Sweep walks the active batches once.
func (s *Sweeper) Sweep(ctx context.Context) error {
	var drained error
	if s.Events != nil {
		drained = s.Events.Drain(ctx)
	}
	ids, err := s.Chunks.Active(ctx)
	if err != nil {
		return errors.Join(drained, err)
	}
	seen := map[string]bool{}
	defer s.forgetSuspects(seen)
	var errs []error
	for _, id := range ids {
		b, err := s.Batches.Get(ctx, id)
		if err == nil && b.Stop != "" {
			var inflight []int
			inflight, err = s.Chunks.InFlight(ctx, id)
			if len(inflight) == 0 {
				b.DoneChunks = b.Chunks // ready: nothing more will be released
			}
		}
		switch {
		case bulkverify.ErrorCode(err) == bulkverify.ENotFound || (err == nil && b.State.Ended()):
			errs = append(errs, s.Chunks.Forget(ctx, id))
		case err != nil:
			errs = append(errs, err)
		case b.DoneChunks >= b.Chunks:
			errs = append(errs, jobs.EnqueueFinalize(ctx, s.Queue, id), s.revive(jobs.QueueFinalize, jobs.FinalizeTaskID(id)),
				s.rescueFinalizer(ctx, id, seen))
		default:
			_, err := s.Feeder.Release(ctx, id)
			errs = append(errs, err, s.reviveChunks(ctx, id, seen))
		}
	}
	return errors.Join(append(errs, drained)...)
}

// reviveChunks runs again the batch's archived chunk tasks and queues
// again its orphaned ones.
func (s *Sweeper) reviveChunks(ctx context.Context, id string, seen map[string]bool) error {
	chunks, err := s.Chunks.InFlight(ctx, id)
	if err != nil {
		return err
	}
	leased, err := s.Leases.LeasedChunks(ctx, id, chunks)
	if err != nil {
		return err
	}
	var errs []error
	for _, c := range chunks {
		errs = append(errs, s.revive(jobs.QueueChunks, jobs.ChunkTaskID(id, c)))
		if !leased[c] {
			errs = append(errs, s.rescue(ctx, id, c, seen))
		}
	}
	return errors.Join(errs...)
}

// rescue queues again a chunk that asynq holds as running without anyone
// holding its lease, once it was seen so on the sweep before too (a worker
// that just took the task may not have written its lease yet). The copy
// has a task ID of its own; the chunk is idempotent, so when asynq gives
// the original back it finds the chunk done.
func (s *Sweeper) rescue(ctx context.Context, id string, chunk int, seen map[string]bool) error {
	taskID := jobs.ChunkTaskID(id, chunk)
	if ok, err := s.orphaned(ctx, jobs.QueueChunks, taskID, id, chunk, seen); err != nil || !ok {
		return err
	}
	payloads, err := s.Chunks.ChunkPayloads(ctx, id)
	if err != nil {
		return err
	}
	task := asynq.NewTask(jobs.TypeVerifyChunk, payloads[chunk], asynq.Queue(jobs.QueueChunks),
		asynq.TaskID(rescueTaskID(taskID, s.now())), asynq.MaxRetry(jobs.ChunkMaxRetry))
	if _, err := s.Queue.EnqueueContext(ctx, task); err != nil {
		return fmt.Errorf("queue chunk %d of batch %s again: %w", chunk, id, err)
	}
	s.Log.Warn("chunk left running by a worker whose lease lapsed: queued again", "batch", id, "chunk", chunk, "since", s.now().Sub(s.suspects[taskID]).Round(time.Second))
	delete(s.suspects, taskID)
	return nil
}

// orphaned reports whether task taskID, whose lease is that of chunk of
// batch id and has lapsed, is to be queued again by this sweeper: asynq
// holds it as running, it was seen so on the sweep before too, and this
// sweeper won the claim to queue it again.
func (s *Sweeper) orphaned(ctx context.Context, queue, taskID, id string, chunk int, seen map[string]bool) (bool, error) {
	info, err := s.Tasks.GetTaskInfo(queue, taskID)
	if err != nil || info.State != asynq.TaskStateActive {
		return false, nil // not running: asynq has it in hand (or it is gone)
	}
	seen[taskID] = true
	if _, ok := s.suspects[taskID]; !ok {
		if s.suspects == nil {
			s.suspects = map[string]time.Time{}
		}
		s.suspects[taskID] = s.now()
		return false, nil
	}
	return s.Leases.ClaimRescue(ctx, id, chunk, rescueClaim)
}

// rescueTaskID is the task ID of a copy of task taskID queued again at.
func rescueTaskID(taskID string, at time.Time) string {
	return taskID + ":rescue:" + strconv.FormatInt(at.UnixMilli(), 10)
}

func (s *Sweeper) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// forgetSuspects drops the suspects not seen on this sweep.
func (s *Sweeper) forgetSuspects(seen map[string]bool) {
	for id := range s.suspects {
		if !seen[id] {
			delete(s.suspects, id)
		}
	}
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
