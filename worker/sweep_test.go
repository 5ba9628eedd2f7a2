package worker

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/internal/redistest"
	"github.com/bulkverify/bulkverify/jobs"
	"github.com/bulkverify/bulkverify/storage"
)

// sweepBundle is a store and an asynq queue in a Redis database of the
// test's own, and the feeder that releases chunks into the queue.
type sweepBundle struct {
	rdb     *redis.Client
	batches *storage.Batches
	chunks  *storage.Chunks
	leases  *storage.Leases
	queue   *asynq.Client
	insp    *asynq.Inspector
	feeder  *jobs.Feeder
}

func setupSweep(t *testing.T) sweepBundle {
	t.Helper()
	rdb := redistest.Client(t)
	batches := storage.NewBatches(rdb, time.Now, time.Hour)
	queue := asynq.NewClientFromRedisClient(rdb)
	insp := asynq.NewInspectorFromRedisClient(rdb)
	chunks := storage.NewChunks(rdb, time.Now, time.Hour)
	return sweepBundle{rdb: rdb, batches: batches, chunks: chunks, leases: storage.NewLeases(rdb, time.Now, time.Hour), queue: queue, insp: insp, feeder: &jobs.Feeder{Chunks: chunks, Queue: queue}}
}

// A chunk task that asynq archived after its last retry is run again by
// the sweeper, and a batch whose window has room gets its next chunks.
func TestSweeperRevivesArchivedChunksAndReleasesTheNext(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := setupSweep(t)
	payloads := [][]byte{[]byte(`{"c":0}`), []byte(`{"c":1}`), []byte(`{"c":2}`)}
	if err := f.batches.Create(ctx, bulkverify.Batch{ID: "b1", TotalRows: 3, Chunks: 3, CreatedAt: time.Now()}, 2, payloads); err != nil {
		t.Fatal(err)
	}
	if n, err := f.feeder.Release(ctx, "b1"); n != 2 || err != nil {
		t.Fatalf("release: got %d, %v; want the window of 2", n, err)
	}
	// Chunk 0 fails for good; chunk 1 completes, but its worker dies
	// before releasing chunk 2.
	if err := f.insp.ArchiveTask(jobs.QueueChunks, jobs.ChunkTaskID("b1", 0)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.batches.CompleteChunk(ctx, "b1", 1, bulkverify.ChunkCounts{Rows: 1}); err != nil {
		t.Fatal(err)
	}
	f.insp.DeleteTask(jobs.QueueChunks, jobs.ChunkTaskID("b1", 1))

	s := &Sweeper{Batches: f.batches, Chunks: f.chunks, Leases: f.leases, Feeder: f.feeder, Tasks: f.insp, Queue: f.queue,
		Every: time.Hour, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if err := s.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	for _, c := range []int{0, 2} {
		info, err := f.insp.GetTaskInfo(jobs.QueueChunks, jobs.ChunkTaskID("b1", c))
		if err != nil {
			t.Fatalf("chunk %d: %v", c, err)
		}
		if info.State != asynq.TaskStatePending {
			t.Errorf("chunk %d: got state %v, want pending", c, info.State)
		}
	}
}

// activeTasks is a TaskInspector that sees the named tasks as running.
type activeTasks struct{ ids map[string]bool }

func (a activeTasks) GetTaskInfo(queue, id string) (*asynq.TaskInfo, error) {
	if a.ids[id] {
		return &asynq.TaskInfo{ID: id, Queue: queue, State: asynq.TaskStateActive}, nil
	}
	return nil, asynq.ErrTaskNotFound
}

func (a activeTasks) RunTask(queue, id string) error { return nil }

// A chunk asynq holds as running, whose worker's lease has lapsed on two
// sweeps in a row, is queued again under a task ID of its own; a chunk
// whose lease is held is left alone, and so is one seen only once.
func TestSweeperQueuesAgainAChunkWhoseWorkerDied(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := setupSweep(t)
	payloads := [][]byte{[]byte(`{"c":0}`), []byte(`{"c":1}`)}
	if err := f.batches.Create(ctx, bulkverify.Batch{ID: "b1", TotalRows: 2, Chunks: 2, CreatedAt: time.Now()}, 2, payloads); err != nil {
		t.Fatal(err)
	}
	if _, err := f.feeder.Release(ctx, "b1"); err != nil {
		t.Fatal(err)
	}
	// Both chunks are running; chunk 1's worker renews its lease, chunk
	// 0's worker died.
	running := activeTasks{ids: map[string]bool{jobs.ChunkTaskID("b1", 0): true, jobs.ChunkTaskID("b1", 1): true}}
	if err := f.leases.RenewChunkLeases(ctx, []bulkverify.ChunkLease{{BatchID: "b1", Chunk: 1, Token: "w2"}}, time.Minute); err != nil {
		t.Fatal(err)
	}
	s := &Sweeper{Batches: f.batches, Chunks: f.chunks, Leases: f.leases, Feeder: f.feeder, Tasks: running, Queue: f.queue,
		Every: time.Hour, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: time.Now}
	rescued := func() []string {
		tasks, err := f.insp.ListPendingTasks(jobs.QueueChunks)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, task := range tasks {
			if strings.Contains(task.ID, ":rescue:") {
				out = append(out, task.ID+" "+string(task.Payload))
			}
		}
		return out
	}
	if err := s.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	if got := rescued(); len(got) != 0 {
		t.Fatalf("after one sweep: got %v queued again, want none: the worker may not have written its lease yet", got)
	}
	if err := s.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	got := rescued()
	if len(got) != 1 || !strings.HasPrefix(got[0], jobs.ChunkTaskID("b1", 0)+":rescue:") || !strings.HasSuffix(got[0], `{"c":0}`) {
		t.Fatalf("after the second sweep: got %v, want chunk 0 queued again with its payload, and only it", got)
	}
	if err := s.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	if got := rescued(); len(got) != 1 {
		t.Errorf("a third sweep: got %d copies queued, want still 1: one rescue per claim", len(got))
	}
}
