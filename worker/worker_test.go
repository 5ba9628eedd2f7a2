package worker

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/internal/redistest"
	"github.com/bulkverify/bulkverify/storage"
)

// listenerFuncs is a Listener made of functions.
type listenerFuncs struct {
	StartFunc    func(ctx context.Context) error
	ShutdownFunc func(ctx context.Context) error
}

func (l listenerFuncs) Start(ctx context.Context) error    { return l.StartFunc(ctx) }
func (l listenerFuncs) Shutdown(ctx context.Context) error { return l.ShutdownFunc(ctx) }

// countedSweeps is a SweepChunks that counts the sweeps that read it.
type countedSweeps struct {
	SweepChunks
	n atomic.Int32
}

func (c *countedSweeps) Active(ctx context.Context) ([]string, error) {
	c.n.Add(1)
	return c.SweepChunks.Active(ctx)
}

// noDataKeys is a DataKeyStore without batches that counts its sweeps.
type noDataKeys struct{ n atomic.Int32 }

func (d *noDataKeys) WrappedDataKeys(context.Context) (map[string]string, error) {
	d.n.Add(1)
	return nil, nil
}

func (d *noDataKeys) ReplaceDataKey(context.Context, string, string, string) (bool, error) {
	return false, nil
}

// workerSetup is a Worker on a Redis of its own whose every component
// runs every millisecond and says when it ran.
type workerSetup struct {
	w       *Worker
	batches *storage.Batches
	leases  *storage.Leases
	queue   *asynq.Client
	tasks   *asynq.Inspector
	// handled receives the payload of each task the server ran.
	handled chan string
	sweeps  *countedSweeps
	keys    *noDataKeys
	reaps   atomic.Int32
	checks  atomic.Int32

	mu sync.Mutex
	// events are the metrics listener's starts and shutdowns, in order.
	events []string
}

func newWorkerSetup(t *testing.T) *workerSetup {
	t.Helper()
	rdb := redistest.Client(t)
	s := &workerSetup{
		batches: storage.NewBatches(rdb, time.Now, time.Hour),
		leases:  storage.NewLeases(rdb, time.Now, time.Hour),
		queue:   asynq.NewClientFromRedisClient(rdb),
		tasks:   asynq.NewInspectorFromRedisClient(rdb),
		handled: make(chan string, 10),
		keys:    &noDataKeys{},
	}
	s.sweeps = &countedSweeps{SweepChunks: storage.NewChunks(rdb, time.Now, time.Hour)}
	srv := asynq.NewServerFromRedisClient(rdb, asynq.Config{
		Concurrency: 1, Queues: map[string]int{"default": 1}, ShutdownTimeout: 5 * time.Second,
		LogLevel: asynq.FatalLevel, TaskCheckInterval: 10 * time.Millisecond,
	})
	s.w = &Worker{
		Server: srv,
		Handler: asynq.HandlerFunc(func(ctx context.Context, t *asynq.Task) error {
			s.handled <- string(t.Payload())
			return nil
		}),
		Stops: &StopWatch{Every: time.Millisecond, Log: quietLog(), Batches: stopsFunc(func(context.Context, []string) (map[string]bulkverify.Stop, error) {
			s.checks.Add(1)
			return nil, nil
		})},
		Leases: &Leases{Store: s.leases, Every: time.Millisecond, TTL: time.Minute, Log: quietLog()},
		Metrics: listenerFuncs{
			StartFunc:    func(context.Context) error { s.event("metrics started"); return nil },
			ShutdownFunc: func(context.Context) error { s.event("metrics shut down"); return nil },
		},
		Reaper: &Reaper{Batches: storage.NewRetention(s.batches), Every: time.Millisecond, Log: quietLog(), Files: &batchFiles{
			AbortStaleUploadsFunc: func(context.Context, time.Duration) (int, error) { s.reaps.Add(1); return 0, nil },
		}},
		Rotator: &KeyRotator{Batches: s.keys, Every: time.Millisecond, Log: quietLog()},
		Sweeper: &Sweeper{Batches: s.batches, Chunks: s.sweeps, Leases: s.leases, Tasks: s.tasks, Queue: s.queue, Every: time.Millisecond, Log: quietLog()},
	}
	t.Cleanup(func() { s.w.Shutdown(context.Background()) })
	return s
}

func (s *workerSetup) event(e string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events = append(s.events, e)
}

func (s *workerSetup) eventList() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.events...)
}

// servers returns how many asynq servers are registered in Redis.
func (s *workerSetup) servers(t *testing.T) int {
	t.Helper()
	info, err := s.tasks.Servers()
	if err != nil {
		t.Fatal(err)
	}
	return len(info)
}

// A started worker runs tasks and every background component; Shutdown
// stops them all, hands back the chunk leases it held and unregisters the
// server, and a second Shutdown does nothing.
func TestWorkerStartsAndShutsDownEveryComponent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newWorkerSetup(t)
	_, release := s.w.Stops.Watch(ctx, "b1") // something for the stop watch to check
	defer release()
	if err := s.w.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.queue.Enqueue(asynq.NewTask("test:task", []byte("hello"))); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-s.handled:
		if got != "hello" {
			t.Errorf("handled %q, want hello", got)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no task handled within 10s of Start")
	}
	waitUntil(t, 10*time.Second, "every component running", func() bool {
		return s.checks.Load() > 0 && s.reaps.Load() > 0 && s.keys.n.Load() > 0 && s.sweeps.n.Load() > 0 && s.servers(t) == 1
	})
	_, dropLease := s.w.Leases.Hold(ctx, "b1", 3) // a chunk in flight when the worker stops
	defer dropLease(false)

	if err := s.w.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if n := s.servers(t); n != 0 {
		t.Errorf("after Shutdown: %d asynq servers registered, want 0", n)
	}
	if leased, err := s.leases.LeasedChunks(ctx, "b1", []int{3}); err != nil || leased[3] {
		t.Errorf("after Shutdown: chunk leased %v (%v), want its lease handed back", leased[3], err)
	}
	if err := s.w.Server.Start(s.w.Handler); !errors.Is(err, asynq.ErrServerClosed) {
		t.Errorf("starting the server again after Shutdown: got %v, want ErrServerClosed", err)
	}
	if err := s.w.Shutdown(ctx); err != nil {
		t.Errorf("a second Shutdown: %v, want nil", err)
	}
	if got, want := s.eventList(), []string{"metrics started", "metrics shut down"}; !slices.Equal(got, want) {
		t.Errorf("metrics listener: %v, want %v", got, want)
	}
}

// When the metrics listener cannot start (its address is taken), Start
// says why and shuts down what it had started: the asynq server too, which
// then no longer takes tasks.
func TestWorkerStartShutsDownWhatStartedWhenAComponentFails(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newWorkerSetup(t)
	taken := errors.New("listen tcp 127.0.0.1:9090: address already in use")
	s.w.Metrics = listenerFuncs{
		StartFunc:    func(context.Context) error { return taken },
		ShutdownFunc: func(context.Context) error { s.event("metrics shut down"); return nil },
	}
	if err := s.w.Start(ctx); !errors.Is(err, taken) {
		t.Fatalf("Start: got %v, want the listener's error", err)
	}
	if n := s.servers(t); n != 0 {
		t.Errorf("after a failed Start: %d asynq servers registered, want 0", n)
	}
	if err := s.w.Server.Start(s.w.Handler); !errors.Is(err, asynq.ErrServerClosed) {
		t.Errorf("starting the server again after a failed Start: got %v, want ErrServerClosed (it was left running)", err)
	}
	if got := s.eventList(); len(got) != 0 {
		t.Errorf("the listener that failed to start was %v, want left alone", got)
	}
	if s.reaps.Load() != 0 || s.keys.n.Load() != 0 || s.sweeps.n.Load() != 0 {
		t.Errorf("components after the listener ran (reaper %d, key rotation %d, sweeper %d), want none started",
			s.reaps.Load(), s.keys.n.Load(), s.sweeps.n.Load())
	}
}
