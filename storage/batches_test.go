package storage

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/internal/redistest"
)

func TestMain(m *testing.M) { redistest.Main(m) }

func newBatches(t *testing.T) *Batches {
	rdb := redistest.Client(t)
	now := time.UnixMilli(1_700_000_000_000)
	return NewBatches(rdb, func() time.Time { return now }, time.Hour)
}

func TestCompleteChunkCountsEachChunkOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newBatches(t)
	if err := s.Create(ctx, bulkverify.Batch{ID: "b1", Tenant: "t", Provider: "digilocker", TotalRows: 6, Chunks: 3, CreatedAt: time.Now()}, 1, nil); err != nil {
		t.Fatal(err)
	}
	c := bulkverify.ChunkCounts{Rows: 2, Verified: 1, Failed: 1}
	steps := []struct {
		chunk           int
		first, allDone  bool
		processed, done int
	}{
		{0, true, false, 2, 1},
		{0, false, false, 2, 1}, // redelivered
		{1, true, false, 4, 2},
		{1, false, false, 4, 2},
		{2, true, true, 6, 3},
		{2, false, true, 6, 3}, // redelivered before the batch completed: queue the finalizer again
	}
	for _, st := range steps {
		got, err := s.CompleteChunk(ctx, "b1", st.chunk, c)
		if err != nil {
			t.Fatal(err)
		}
		if got.First != st.first || got.AllDone != st.allDone {
			t.Errorf("chunk %d: got first=%v allDone=%v, want %v %v", st.chunk, got.First, got.AllDone, st.first, st.allDone)
		}
		b, _ := s.Get(ctx, "b1")
		if b.ProcessedRows != st.processed || b.DoneChunks != st.done || b.Verified != st.processed/2 {
			t.Errorf("after chunk %d: got %d rows, %d chunks, %d verified; want %d, %d, %d", st.chunk, b.ProcessedRows, b.DoneChunks, b.Verified, st.processed, st.done, st.processed/2)
		}
	}
	if b, _ := s.Get(ctx, "b1"); b.State != bulkverify.StateFinalizing {
		t.Errorf("got state %s, want finalizing", b.State)
	}
	if err := s.MarkFinished(ctx, "b1", bulkverify.StateCompleted, bulkverify.ChunkCounts{Rows: 5, Verified: 3, Failed: 2}); err != nil {
		t.Fatal(err)
	}
	got, _ := s.CompleteChunk(ctx, "b1", 2, c)
	if got.AllDone {
		t.Error("a chunk redelivered after completion asks for the finalizer again")
	}
	b, _ := s.Get(ctx, "b1")
	if b.State != bulkverify.StateCompleted || b.ProcessedRows != 5 || b.Verified != 3 || b.Failed != 2 || b.CompletedAt.IsZero() {
		t.Errorf("completed batch: %+v", b)
	}
}

func TestCompleteChunkUnderConcurrentDeliveries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newBatches(t)
	const chunks, copies = 50, 4
	s.Create(ctx, bulkverify.Batch{ID: "b2", Chunks: chunks, TotalRows: chunks, CreatedAt: time.Now()}, 1, nil)
	var wg sync.WaitGroup
	var mu sync.Mutex
	allDone := 0
	for i := 0; i < chunks*copies; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := s.CompleteChunk(ctx, "b2", i%chunks, bulkverify.ChunkCounts{Rows: 1, Verified: 1})
			if err != nil {
				t.Error(err)
			}
			if got.AllDone {
				mu.Lock()
				allDone++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	b, _ := s.Get(ctx, "b2")
	if b.ProcessedRows != chunks || b.DoneChunks != chunks {
		t.Errorf("got %d rows in %d chunks, want %d in %d", b.ProcessedRows, b.DoneChunks, chunks, chunks)
	}
	if allDone < 1 {
		t.Error("no delivery saw the batch all done")
	}
}

func TestUnknownBatch(t *testing.T) {
	t.Parallel()
	s := newBatches(t)
	if _, err := s.Get(context.Background(), "nope"); !errors.Is(err, ErrBatchNotFound) {
		t.Errorf("Get: got %v, want ErrBatchNotFound", err)
	}
	if _, err := s.CompleteChunk(context.Background(), "nope", 0, bulkverify.ChunkCounts{}); !errors.Is(err, ErrBatchNotFound) {
		t.Errorf("CompleteChunk: got %v, want ErrBatchNotFound", err)
	}
}

func TestCancelStopsReleaseAndFinishesOnceIdle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newBatches(t)
	b := bulkverify.Batch{ID: "c1", Tenant: "t", Provider: "digilocker", TotalRows: 4, Chunks: 4, CreatedAt: time.Now()}
	if err := s.Create(ctx, b, 2, [][]byte{[]byte("p0"), []byte("p1"), []byte("p2"), []byte("p3")}); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		idx, _, ok, err := chunksOf(s).NextChunk(ctx, "c1")
		if err != nil || !ok || idx != i {
			t.Fatalf("release %d: got %d, %v, %v", i, idx, ok, err)
		}
		chunksOf(s).ChunkReleased(ctx, "c1", idx)
	}
	res, err := s.Cancel(ctx, "c1")
	if err != nil || !res.Cancelled || res.Idle {
		t.Fatalf("cancel: got %+v, %v; want cancelled with chunks in flight", res, err)
	}
	if again, err := s.Cancel(ctx, "c1"); err != nil || again.Cancelled {
		t.Errorf("second cancel: got %+v, %v; want the same answer, not a new cancel", again, err)
	}
	if stop, _ := s.StopOf(ctx, "c1"); stop != bulkverify.StopCancelled {
		t.Errorf("got stop %q, want cancelled", stop)
	}
	if _, _, ok, _ := chunksOf(s).NextChunk(ctx, "c1"); ok {
		t.Error("a cancelled batch released another chunk")
	}
	one := bulkverify.ChunkCounts{Rows: 1, Verified: 1}
	if d, _ := s.CompleteChunk(ctx, "c1", 0, one); d.AllDone {
		t.Error("chunk 0 done with chunk 1 in flight: got AllDone")
	}
	if d, _ := s.CompleteChunk(ctx, "c1", 1, one); !d.AllDone {
		t.Error("the last chunk in flight done: want AllDone, the finalizer must run")
	}
	if err := s.MarkFinished(ctx, "c1", bulkverify.StateCancelled, bulkverify.ChunkCounts{Rows: 4, Verified: 2, Failed: 2, Codes: map[bulkverify.Code]int{"OK": 2, "CANCELLED": 2}}); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Get(ctx, "c1")
	if got.State != bulkverify.StateCancelled || got.CancelledAt.IsZero() || got.Codes["CANCELLED"] != 2 || got.ProcessedRows != 4 {
		t.Errorf("got %s at %v, codes %v, %d rows; want cancelled, its time, 2 CANCELLED, 4 rows", got.State, got.CancelledAt, got.Codes, got.ProcessedRows)
	}
	if _, err := s.Cancel(ctx, "c1"); err != nil {
		t.Errorf("cancel of a cancelled batch: got %v, want the same answer", err)
	}
	counts, _ := s.CountByState(ctx)
	if counts[bulkverify.StateCancelled] != 1 || counts[bulkverify.StateQueued] != 0 {
		t.Errorf("got batches by state %v, want one cancelled and none queued", counts)
	}
}

func TestCancelIsRefusedOnceFinalizing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newBatches(t)
	s.Create(ctx, bulkverify.Batch{ID: "f1", Tenant: "t", TotalRows: 1, Chunks: 1, CreatedAt: time.Now()}, 1, [][]byte{[]byte("p")})
	s.CompleteChunk(ctx, "f1", 0, bulkverify.ChunkCounts{Rows: 1, Verified: 1})
	_, err := s.Cancel(ctx, "f1")
	if bulkverify.ErrorCode(err) != bulkverify.EBatchFinished {
		t.Errorf("cancel while finalizing: got %v, want BATCH_FINISHED", err)
	}
	if _, err := s.Cancel(ctx, "nope"); !errors.Is(err, ErrBatchNotFound) {
		t.Errorf("cancel of an unknown batch: got %v, want ErrBatchNotFound", err)
	}
}

// A completed chunk's saved rows go with its completion: Redis holds the
// checkpoints of the chunks in flight only.
func TestCompleteChunkDropsItsSavedRows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newBatches(t)
	if err := s.Create(ctx, bulkverify.Batch{ID: "b1", Tenant: "t", Provider: "digilocker", TotalRows: 4, Chunks: 2, CreatedAt: time.Now()}, 2, nil); err != nil {
		t.Fatal(err)
	}
	for chunk := range 2 {
		if err := chunksOf(s).SaveRows(ctx, "b1", chunk, map[int][]byte{2*chunk + 1: []byte(`{}`)}, true); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.CompleteChunk(ctx, "b1", 0, bulkverify.ChunkCounts{Rows: 2}); err != nil {
		t.Fatal(err)
	}
	for chunk, want := range []int{0, 1} {
		if rows, _ := chunksOf(s).SavedRows(ctx, "b1", chunk); len(rows) != want {
			t.Errorf("chunk %d: %d saved rows, want %d", chunk, len(rows), want)
		}
	}
}

// Progress counts the saved rows of the chunks in flight, and the reads
// survive Redis losing its scripts (a restart, SCRIPT FLUSH).
func TestGetCountsRowsInFlightAndSurvivesAScriptFlush(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newBatches(t)
	for _, id := range []string{"b1", "b2"} {
		if err := s.Create(ctx, bulkverify.Batch{ID: id, Tenant: "t", Provider: "digilocker", TotalRows: 4, Chunks: 2, CreatedAt: time.Now()}, 2, nil); err != nil {
			t.Fatal(err)
		}
	}
	for chunk := range 2 {
		if err := chunksOf(s).ChunkReleased(ctx, "b1", chunk); err != nil {
			t.Fatal(err)
		}
	}
	if err := chunksOf(s).SaveRows(ctx, "b1", 1, map[int][]byte{3: []byte(`{}`), 4: []byte(`{}`)}, true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CompleteChunk(ctx, "b1", 0, bulkverify.ChunkCounts{Rows: 2}); err != nil {
		t.Fatal(err)
	}
	b, err := s.Get(ctx, "b1")
	if err != nil || b.ProcessedRows != 4 || b.DoneChunks != 1 {
		t.Fatalf("got %d rows, %d chunks done, %v; want 4 (2 done, 2 saved in flight), 1", b.ProcessedRows, b.DoneChunks, err)
	}
	for _, flush := range []bool{false, true} {
		if flush {
			if err := s.rdb.ScriptFlush(ctx).Err(); err != nil {
				t.Fatal(err)
			}
		}
		bs, err := s.GetMany(ctx, []string{"b2", "nope", "b1"})
		if err != nil || len(bs) != 2 || bs[0].ID != "b2" || bs[1].ID != "b1" || bs[1].ProcessedRows != 4 || bs[0].ProcessedRows != 0 {
			t.Errorf("flushed %v: got %+v, %v; want b2 with 0 rows and b1 with 4", flush, bs, err)
		}
	}
}

// chunksOf is the Chunks over the same Redis database as s.
func chunksOf(s *Batches) *Chunks { return &Chunks{s.store} }

// leasesOf is the Leases over the same Redis database as s.
func leasesOf(s *Batches) *Leases { return &Leases{s.store} }
