package webhook

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/internal/redistest"
	"github.com/bulkverify/bulkverify/jobs"
	"github.com/bulkverify/bulkverify/storage"
)

// failingQueue is an Enqueuer that is down.
type failingQueue struct{}

func (failingQueue) EnqueueContext(context.Context, *asynq.Task, ...asynq.Option) (*asynq.TaskInfo, error) {
	return nil, errors.New("queue down")
}

// A batch finishes and its process dies before queuing the event: nothing
// but the state change happened. A drainer whose queue is down leaves the
// event where it is; fresh drainers, twice and on two workers, then queue
// it exactly once, with the webhook-id and time of the state change, and
// empty the outbox.
func TestOutboxDeliversTheEventOfAProcessKilledAfterTheStateChange(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb := redistest.Client(t)
	finished := time.UnixMilli(1_700_000_000_000)
	batches := storage.NewBatches(rdb, func() time.Time { return finished }, time.Hour)
	b := bulkverify.Batch{ID: "b1", TotalRows: 1, Chunks: 1, CreatedAt: finished, CallbackURL: "https://example.com/hook"}
	if err := batches.Create(ctx, b, 1, nil); err != nil {
		t.Fatal(err)
	}
	if err := batches.MarkFinished(ctx, "b1", bulkverify.StateCompleted, bulkverify.ChunkCounts{Rows: 1}); err != nil {
		t.Fatal(err)
	}
	// The process is killed here: Emitter.Finished never runs.
	later := func() time.Time { return finished.Add(storage.OutboxGrace + time.Minute) }
	store := storage.NewOutbox(rdb, time.Now)
	down := &Outbox{Store: store, Queue: failingQueue{}, Now: later}
	if err := down.Drain(ctx); err == nil {
		t.Error("draining into a queue that is down: got no error, want one")
	}
	queue := asynq.NewClientFromRedisClient(rdb)
	for range 2 {
		for _, o := range []*Outbox{{Store: store, Queue: queue, Now: later}, {Store: storage.NewOutbox(rdb, time.Now), Queue: queue, Now: later}} {
			if err := o.Drain(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	tasks, err := asynq.NewInspectorFromRedisClient(rdb).ListPendingTasks(jobs.QueueWebhooks)
	if err != nil {
		t.Fatal(err)
	}
	if len(tasks) != 1 {
		t.Fatalf("got %d webhook tasks queued, want exactly 1", len(tasks))
	}
	m, err := DecodeMessage(tasks[0].Payload)
	want := NewMessage("b1", EventCompleted, 0, finished)
	if err != nil || m != want {
		t.Errorf("queued message: got %+v, %v; want %+v", m, err, want)
	}
	if left, _ := store.Events(ctx, "b1"); len(left) != 0 {
		t.Errorf("outbox after draining: got %v, want empty", left)
	}
	if marks, _ := store.Marked(ctx, 10); len(marks) != 0 {
		t.Errorf("marks after draining: got %v, want none", marks)
	}
}

// The worker that changes the state drains its batch's outbox at once,
// through Finished.
func TestFinishedDrainsTheBatchOutbox(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb := redistest.Client(t)
	batches := storage.NewBatches(rdb, time.Now, time.Hour)
	b := bulkverify.Batch{ID: "b2", TotalRows: 1, Chunks: 1, CreatedAt: time.Now(), CallbackURL: "https://example.com/hook"}
	if err := batches.Create(ctx, b, 1, nil); err != nil {
		t.Fatal(err)
	}
	if err := batches.MarkFinished(ctx, "b2", bulkverify.StateCancelled, bulkverify.ChunkCounts{Rows: 1}); err != nil {
		t.Fatal(err)
	}
	store := storage.NewOutbox(rdb, time.Now)
	queue := asynq.NewClientFromRedisClient(rdb)
	e := &Emitter{Queue: queue, Now: time.Now, Outbox: &Outbox{Store: store, Queue: queue, Now: time.Now}}
	if err := e.Finished(ctx, b, bulkverify.StateCancelled); err != nil {
		t.Fatal(err)
	}
	info, err := asynq.NewInspectorFromRedisClient(rdb).GetTaskInfo(jobs.QueueWebhooks, NewMessage("b2", EventCancelled, 0, time.Time{}).TaskID())
	if err != nil || info.State != asynq.TaskStatePending {
		t.Fatalf("batch.cancelled task: got %v, %v; want it pending", info, err)
	}
	if left, _ := store.Events(ctx, "b2"); len(left) != 0 {
		t.Errorf("outbox after Finished: got %v, want empty", left)
	}
}
