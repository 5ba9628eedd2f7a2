package worker

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/jobs"
)

// finalizerBatch creates a batch of one chunk, done: it is finalizing.
func finalizerBatch(t *testing.T, f sweepBundle, id string) {
	t.Helper()
	ctx := context.Background()
	if err := f.batches.Create(ctx, bulkverify.Batch{ID: id, TotalRows: 1, Chunks: 1, CreatedAt: time.Now()}, 1, [][]byte{[]byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.batches.CompleteChunk(ctx, id, 0, bulkverify.ChunkCounts{Rows: 1}); err != nil {
		t.Fatal(err)
	}
	if b, err := f.batches.Get(ctx, id); err != nil || b.State != bulkverify.StateFinalizing {
		t.Fatalf("batch %s: got %s, %v; want finalizing", id, b.State, err)
	}
}

// A finalizer asynq holds as running whose worker stopped renewing its
// lease (killed mid-assembly) is queued again, under a task ID of its own,
// by the second sweep after its lease lapsed; one whose worker renews its
// lease is left alone however many sweeps pass.
func TestSweeperQueuesAgainAFinalizerWhoseWorkerDied(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := setupSweep(t)
	finalizerBatch(t, f, "dead")
	finalizerBatch(t, f, "live")
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	const ttl = 300 * time.Millisecond
	dead := &Handlers{Leases: &Leases{Store: f.leases, Every: time.Hour, TTL: ttl, Log: log}}
	live := &Handlers{Leases: &Leases{Store: f.leases, Every: time.Hour, TTL: ttl, Log: log}}
	dead.holdFinalize(ctx, "dead") // never released nor renewed: its worker was killed
	defer live.holdFinalize(ctx, "live")()
	running := activeTasks{ids: map[string]bool{jobs.FinalizeTaskID("dead"): true, jobs.FinalizeTaskID("live"): true}}
	s := &Sweeper{Batches: f.batches, Chunks: f.chunks, Leases: f.leases, Feeder: f.feeder, Tasks: running, Queue: f.queue,
		Every: time.Hour, Log: log, Now: time.Now}
	sweep := func() []string {
		t.Helper()
		if err := live.Leases.Renew(ctx); err != nil {
			t.Fatal(err)
		}
		if err := s.Sweep(ctx); err != nil {
			t.Fatal(err)
		}
		return rescuedFinalizers(t, f)
	}
	if got := sweep(); len(got) != 0 {
		t.Fatalf("while both leases are held: got %v queued again, want none", got)
	}
	deadline := time.Now().Add(5 * time.Second)
	for leasedFinalizer(t, f, "dead") {
		if time.Now().After(deadline) {
			t.Fatal("the dead worker's finalizer lease never lapsed")
		}
		live.Leases.Renew(ctx)
		time.Sleep(20 * time.Millisecond)
	}
	if got := sweep(); len(got) != 0 {
		t.Fatalf("first sweep after the lease lapsed: got %v, want none yet (a finalizer just taken may not hold its lease yet)", got)
	}
	got := sweep()
	if len(got) != 1 || !strings.HasPrefix(got[0], jobs.FinalizeTaskID("dead")+":rescue:") || !strings.HasSuffix(got[0], `{"batch_id":"dead"}`) {
		t.Fatalf("second sweep after the lease lapsed: got %v, want the dead worker's finalizer queued again, and only it", got)
	}
	if got := sweep(); len(got) != 1 {
		t.Errorf("a third sweep: got %v, want still one copy: one rescue per claim", got)
	}
	if !leasedFinalizer(t, f, "live") {
		t.Error("the renewed finalizer lease lapsed, want it held")
	}
}

// rescuedFinalizers lists the finalizer copies queued, as "ID payload".
func rescuedFinalizers(t *testing.T, f sweepBundle) []string {
	t.Helper()
	tasks, err := f.insp.ListPendingTasks(jobs.QueueFinalize)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, task := range tasks {
		if strings.Contains(task.ID, ":rescue:") {
			if task.Type != jobs.TypeFinalize {
				t.Errorf("copy %s has type %s, want %s", task.ID, task.Type, jobs.TypeFinalize)
			}
			out = append(out, task.ID+" "+string(task.Payload))
		}
	}
	return out
}

func leasedFinalizer(t *testing.T, f sweepBundle, id string) bool {
	t.Helper()
	m, err := f.leases.LeasedChunks(context.Background(), id, []int{finalizeLease})
	if err != nil {
		t.Fatal(err)
	}
	return m[finalizeLease]
}

// leaseSpy is a LeaseStore that keeps which leases are held.
type leaseSpy struct {
	mu   sync.Mutex
	held map[bulkverify.ChunkLease]bool
}

func (l *leaseSpy) TakeChunkLease(_ context.Context, lease bulkverify.ChunkLease, _ time.Duration) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.held[lease] = true
	return 0, nil
}

func (l *leaseSpy) RenewChunkLeases(context.Context, []bulkverify.ChunkLease, time.Duration) error {
	return nil
}

func (l *leaseSpy) DropChunkLease(_ context.Context, lease bulkverify.ChunkLease, ended bool) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.held, lease)
	return nil
}

// finalizing reports whether batch id's finalizer lease is held.
func (l *leaseSpy) finalizing(id string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for lease := range l.held {
		if lease.BatchID == id && lease.Chunk == finalizeLease {
			return true
		}
	}
	return false
}

// partsWatch is a FileStore that notes, when a part is read, whether the
// finalizer's lease is held.
type partsWatch struct {
	*memFiles
	leases *leaseSpy
	reads  int
	unheld int
}

func (p *partsWatch) OpenPart(ctx context.Context, id string, chunk int) (io.ReadCloser, error) {
	p.reads++
	if !p.leases.finalizing(id) {
		p.unheld++
	}
	return p.memFiles.OpenPart(ctx, id, chunk)
}

// The finalizer holds its lease while it assembles the batch, and drops it
// when it returns, so that a finalizer that returned is not mistaken for
// a dead one.
func TestFinalizeHoldsItsLeaseWhileItAssembles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := setupChunk(t, 5)
	f.v.blocked = false
	if err := f.h.VerifyChunk(ctx, f.task); err != nil {
		t.Fatal(err)
	}
	spy := &leaseSpy{held: map[bulkverify.ChunkLease]bool{}}
	f.h.Leases = &Leases{Store: spy, Every: time.Hour, TTL: time.Minute, Log: f.h.Log}
	parts := &partsWatch{memFiles: f.files, leases: spy}
	f.h.Files = parts
	if err := f.h.Finalize(ctx, jobs.NewFinalizeTask("b1")); err != nil {
		t.Fatal(err)
	}
	if parts.reads == 0 || parts.unheld != 0 {
		t.Errorf("got %d of %d parts read without the finalizer's lease, want all %d read under it", parts.unheld, parts.reads, parts.reads)
	}
	if spy.finalizing("b1") {
		t.Error("got the finalizer's lease held after it returned, want it dropped")
	}
}

// The same with a real asynq server: the worker running the finalizer
// stops renewing its lease but asynq still holds the task as running (its
// server is alive, as a killed worker's task stays active until asynq's
// own lease and recoverer notice, a minute or two later). The sweeps queue
// a copy, which the server runs, while the original is still active.
func TestAFinalizerWhoseWorkerDiedResumesBeforeAsynqNotices(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := setupSweep(t)
	finalizerBatch(t, f, "b1")
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	dead := &Handlers{Leases: &Leases{Store: f.leases, Every: time.Hour, TTL: 300 * time.Millisecond, Log: log}}
	stuck, resumed := make(chan struct{}), make(chan string, 4)
	srv := asynq.NewServerFromRedisClient(f.rdb, asynq.Config{Concurrency: 2, Queues: map[string]int{jobs.QueueFinalize: 1},
		TaskCheckInterval: 50 * time.Millisecond, LogLevel: asynq.FatalLevel})
	mux := asynq.NewServeMux()
	mux.HandleFunc(jobs.TypeFinalize, func(ctx context.Context, task *asynq.Task) error {
		id, _ := asynq.GetTaskID(ctx)
		if id == jobs.FinalizeTaskID("b1") {
			dead.holdFinalize(ctx, "b1") // never renewed nor released
			<-stuck
			return nil
		}
		resumed <- id
		return nil
	})
	if err := srv.Start(mux); err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()
	defer close(stuck)
	if err := jobs.EnqueueFinalize(ctx, f.queue, "b1"); err != nil {
		t.Fatal(err)
	}
	s := &Sweeper{Batches: f.batches, Chunks: f.chunks, Leases: f.leases, Feeder: f.feeder, Tasks: f.insp, Queue: f.queue,
		Every: time.Hour, Log: log, Now: time.Now}
	start, deadline := time.Now(), time.Now().Add(20*time.Second)
	for {
		if err := s.Sweep(ctx); err != nil {
			t.Fatal(err)
		}
		select {
		case id := <-resumed:
			if !strings.HasPrefix(id, jobs.FinalizeTaskID("b1")+":rescue:") {
				t.Fatalf("got task %s run, want a copy of the finalizer", id)
			}
			info, err := f.insp.GetTaskInfo(jobs.QueueFinalize, jobs.FinalizeTaskID("b1"))
			if err != nil || info.State != asynq.TaskStateActive {
				t.Errorf("the original: got %v, %v; want it still active in asynq", info, err)
			}
			t.Logf("finalizer resumed %v after it started", time.Since(start).Round(time.Millisecond))
			return
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("the finalizer was never run again")
		}
	}
}
