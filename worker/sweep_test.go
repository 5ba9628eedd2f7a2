package worker

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/internal/redistest"
	"github.com/bulkverify/bulkverify/jobs"
	"github.com/bulkverify/bulkverify/storage"
)

// A chunk task that asynq archived after its last retry is run again by
// the sweeper, and a batch whose window has room gets its next chunks.
func TestSweeperRevivesArchivedChunksAndReleasesTheNext(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.Connect(t, redistest.URL(t))
	batches := storage.NewBatches(rdb, time.Now, time.Hour)
	queue := asynq.NewClientFromRedisClient(rdb)
	insp := asynq.NewInspectorFromRedisClient(rdb)
	feeder := &jobs.Feeder{Chunks: batches, Queue: queue}
	payloads := [][]byte{[]byte(`{"c":0}`), []byte(`{"c":1}`), []byte(`{"c":2}`)}
	if err := batches.Create(ctx, bulkverify.Batch{ID: "b1", TotalRows: 3, Chunks: 3, CreatedAt: time.Now()}, 2, payloads); err != nil {
		t.Fatal(err)
	}
	if n, err := feeder.Release(ctx, "b1"); n != 2 || err != nil {
		t.Fatalf("release: got %d, %v; want the window of 2", n, err)
	}
	// Chunk 0 fails for good; chunk 1 completes, but its worker dies
	// before releasing chunk 2.
	if err := insp.ArchiveTask(jobs.QueueChunks, jobs.ChunkTaskID("b1", 0)); err != nil {
		t.Fatal(err)
	}
	if _, err := batches.CompleteChunk(ctx, "b1", 1, bulkverify.ChunkCounts{Rows: 1}); err != nil {
		t.Fatal(err)
	}
	insp.DeleteTask(jobs.QueueChunks, jobs.ChunkTaskID("b1", 1))

	s := &Sweeper{Batches: batches, Feeder: feeder, Tasks: insp, Queue: queue,
		Every: time.Hour, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if err := s.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	for _, c := range []int{0, 2} {
		info, err := insp.GetTaskInfo(jobs.QueueChunks, jobs.ChunkTaskID("b1", c))
		if err != nil {
			t.Fatalf("chunk %d: %v", c, err)
		}
		if info.State != asynq.TaskStatePending {
			t.Errorf("chunk %d: got state %v, want pending", c, info.State)
		}
	}
}
