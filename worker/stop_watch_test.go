package worker

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/internal/redistest"
	"github.com/bulkverify/bulkverify/storage"
)

// stopsFunc is a StopReader made of a function.
type stopsFunc func(ctx context.Context, ids []string) (map[string]bulkverify.Stop, error)

func (f stopsFunc) Stops(ctx context.Context, ids []string) (map[string]bulkverify.Stop, error) {
	return f(ctx, ids)
}

// cut reports whether ctx has ended, and why.
func cut(ctx context.Context) (bool, error) {
	select {
	case <-ctx.Done():
		return true, context.Cause(ctx)
	default:
		return false, nil
	}
}

// A running StopWatch cuts the chunks of a batch cancelled in Redis, and
// of one whose state is gone, within its interval; the chunks of a batch
// still running go on.
func TestStopWatchCutsTheChunksOfAStoppedBatch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	batches := storage.NewBatches(redistest.Client(t), time.Now, time.Hour)
	for _, id := range []string{"cancelled", "running"} {
		b := bulkverify.Batch{ID: id, Tenant: "t", Provider: "digilocker", TotalRows: 1, Chunks: 1, CreatedAt: time.Now()}
		if err := batches.Create(ctx, b, 1, [][]byte{[]byte(`{}`)}); err != nil {
			t.Fatal(err)
		}
	}
	w := &StopWatch{Batches: batches, Every: time.Millisecond, Log: quietLog()}
	cancelled, releaseCancelled := w.Watch(ctx, "cancelled")
	defer releaseCancelled()
	gone, releaseGone := w.Watch(ctx, "gone")
	defer releaseGone()
	running, releaseRunning := w.Watch(ctx, "running")
	defer releaseRunning()
	w.Start()
	defer w.Shutdown()

	if _, err := batches.Cancel(ctx, "cancelled"); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]context.Context{"cancelled": cancelled, "gone": gone} {
		select {
		case <-c.Done():
		case <-time.After(10 * time.Second):
			t.Fatalf("the chunk of the %s batch still runs 10s after its stop", name)
		}
		if cause := context.Cause(c); !errors.Is(cause, ErrBatchStopped) {
			t.Errorf("the chunk of the %s batch ended with %v, want ErrBatchStopped", name, cause)
		}
	}
	w.Shutdown()
	if done, cause := cut(running); done {
		t.Errorf("the chunk of a running batch was cut (%v), want it going on", cause)
	}
}

// Check asks for the batches watched, each once however many chunks run,
// and no longer for a batch whose chunks were all released; a released
// chunk's context ends without the stop as its cause.
func TestStopWatchChecksOnlyTheBatchesWatched(t *testing.T) {
	t.Parallel()
	var asked [][]string
	w := &StopWatch{Log: quietLog(), Batches: stopsFunc(func(ctx context.Context, ids []string) (map[string]bulkverify.Stop, error) {
		asked = append(asked, ids)
		return map[string]bulkverify.Stop{}, nil
	})}
	ctx := context.Background()
	_, release1 := w.Watch(ctx, "b1")
	_, release2 := w.Watch(ctx, "b1")
	if err := w.Check(ctx); err != nil {
		t.Fatal(err)
	}
	if len(asked) != 1 || len(asked[0]) != 1 || asked[0][0] != "b1" {
		t.Fatalf("with two chunks of b1 watched: asked for %v, want [[b1]]", asked)
	}
	release1()
	released, release3 := w.Watch(ctx, "b2")
	release3()
	if done, cause := cut(released); !done || errors.Is(cause, ErrBatchStopped) {
		t.Errorf("a released chunk: ended %v with %v, want ended, not by a stop", done, cause)
	}
	release2()
	asked = nil
	if err := w.Check(ctx); err != nil {
		t.Fatal(err)
	}
	if len(asked) != 0 {
		t.Errorf("with every chunk released: asked for %v, want no round trip", asked)
	}
}

// When Redis cannot be read, Check says so and cuts nothing.
func TestStopWatchCutsNothingWhenItCannotRead(t *testing.T) {
	t.Parallel()
	down := errors.New("redis down")
	w := &StopWatch{Log: quietLog(), Batches: stopsFunc(func(context.Context, []string) (map[string]bulkverify.Stop, error) {
		return nil, down
	})}
	c, release := w.Watch(context.Background(), "b1")
	defer release()
	if err := w.Check(context.Background()); !errors.Is(err, down) {
		t.Errorf("Check: got %v, want the read error", err)
	}
	if done, cause := cut(c); done {
		t.Errorf("a chunk was cut (%v) by a failed read", cause)
	}
}

// Shutdown stops the polling and waits for a check in progress to return.
func TestStopWatchShutdownWaitsForACheckInProgress(t *testing.T) {
	t.Parallel()
	entered := make(chan struct{}, 1)
	var returned atomic.Bool
	w := &StopWatch{Every: time.Millisecond, Log: quietLog(), Batches: stopsFunc(func(ctx context.Context, ids []string) (map[string]bulkverify.Stop, error) {
		select {
		case entered <- struct{}{}:
		default:
		}
		<-ctx.Done() // a slow round trip, until the shutdown
		returned.Store(true)
		return nil, ctx.Err()
	})}
	_, release := w.Watch(context.Background(), "b1")
	defer release()
	w.Start()
	select {
	case <-entered:
	case <-time.After(10 * time.Second):
		t.Fatal("no check within 10s of Start")
	}
	w.Shutdown()
	if !returned.Load() {
		t.Error("Shutdown returned while a check was in progress")
	}
}

// A nil StopWatch watches nothing: the chunk's context is the caller's.
func TestStopWatchNilWatchesNothing(t *testing.T) {
	t.Parallel()
	var w *StopWatch
	ctx := context.Background()
	got, release := w.Watch(ctx, "b1")
	release()
	if got != ctx {
		t.Error("a nil StopWatch wrapped the context, want it as given")
	}
}
