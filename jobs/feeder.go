package jobs

import (
	"context"
	"errors"
	"fmt"

	"github.com/hibiken/asynq"
)

// ChunkWindow is the batch state chunks are released from; see
// storage.Batches.NextChunk.
type ChunkWindow interface {
	NextChunk(ctx context.Context, batchID string) (index int, payload []byte, ok bool, err error)
	ChunkReleased(ctx context.Context, batchID string, index int) error
}

// Enqueuer queues a task.
type Enqueuer interface {
	EnqueueContext(ctx context.Context, task *asynq.Task, opts ...asynq.Option) (*asynq.TaskInfo, error)
}

// Feeder moves a batch's chunks into the queue as its window allows, so that
// a big batch never holds the whole queue and concurrent batches are served
// in turn.
type Feeder struct {
	Chunks ChunkWindow
	Queue  Enqueuer
}

// ChunkTaskID is the fixed asynq task ID of a chunk, so that releasing it
// twice queues it once.
func ChunkTaskID(batchID string, index int) string { return fmt.Sprintf("chunk:%s:%d", batchID, index) }

// ChunkMaxRetry is how often asynq retries a chunk whose processing failed
// (a worker crash, S3 or Redis down); with worker.RetryDelay that is about
// an hour and a half. Upstream errors are retried per row and never fail
// the chunk.
const ChunkMaxRetry = 25

// Release queues the batch's next chunks until its window is full or every
// chunk is queued, and returns how many it queued. It is safe to call from
// any number of processes at once.
func (f *Feeder) Release(ctx context.Context, batchID string) (int, error) {
	n := 0
	for {
		idx, payload, ok, err := f.Chunks.NextChunk(ctx, batchID)
		if err != nil || !ok {
			return n, err
		}
		task := asynq.NewTask(TypeVerifyChunk, payload, asynq.Queue(QueueChunks),
			asynq.TaskID(ChunkTaskID(batchID, idx)), asynq.MaxRetry(ChunkMaxRetry))
		if _, err := f.Queue.EnqueueContext(ctx, task); err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
			return n, fmt.Errorf("enqueue chunk %d of batch %s: %w", idx, batchID, err)
		}
		if err := f.Chunks.ChunkReleased(ctx, batchID, idx); err != nil {
			return n, err
		}
		n++
	}
}
