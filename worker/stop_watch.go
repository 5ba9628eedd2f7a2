package worker

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/bulkverify/bulkverify"
)

// ErrBatchStopped is the cause of a chunk's context when its batch was
// cancelled or aborted while the chunk ran.
var ErrBatchStopped = errors.New("the batch was stopped")

// StopReader reads which batches are being stopped.
type StopReader interface {
	Stops(ctx context.Context, ids []string) (map[string]bulkverify.Stop, error)
}

// StopWatch cuts the chunks a worker is running when their batch is
// cancelled or aborted, on every worker: each one polls the stop flags of
// the batches it is running, in one round trip per interval, and ends their
// chunks' contexts. Upstream requests in flight then end with their
// context.
type StopWatch struct {
	Batches StopReader
	// Every is the polling interval; a stop reaches the upstream calls
	// within it.
	Every time.Duration
	Log   *slog.Logger

	mu      sync.Mutex
	watched map[string]map[*watch]struct{}
	loop    periodic
}

type watch struct{ cancel context.CancelCauseFunc }

// Watch returns a context that ends when batch id is stopped, and a
// release to call when the chunk is done.
func (w *StopWatch) Watch(ctx context.Context, id string) (context.Context, func()) {
	if w == nil {
		return ctx, func() {}
	}
	wctx, cancel := context.WithCancelCause(ctx)
	e := &watch{cancel: cancel}
	w.mu.Lock()
	if w.watched == nil {
		w.watched = map[string]map[*watch]struct{}{}
	}
	if w.watched[id] == nil {
		w.watched[id] = map[*watch]struct{}{}
	}
	w.watched[id][e] = struct{}{}
	w.mu.Unlock()
	return wctx, func() {
		w.mu.Lock()
		delete(w.watched[id], e)
		if len(w.watched[id]) == 0 {
			delete(w.watched, id)
		}
		w.mu.Unlock()
		cancel(nil)
	}
}

// Start polls until Shutdown.
func (w *StopWatch) Start() { w.loop.start(w.Every, w.Log, "check batches for cancels", w.Check) }

// Shutdown stops polling and waits for the poller to return.
func (w *StopWatch) Shutdown() { w.loop.shutdown() }

// Check reads the stop flags of the watched batches once and cuts the
// chunks of those being stopped.
func (w *StopWatch) Check(ctx context.Context) error {
	w.mu.Lock()
	ids := make([]string, 0, len(w.watched))
	for id := range w.watched {
		ids = append(ids, id)
	}
	w.mu.Unlock()
	if len(ids) == 0 {
		return nil
	}
	stops, err := w.Batches.Stops(ctx, ids)
	if err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for id, stop := range stops {
		if stop == "" {
			continue
		}
		for e := range w.watched[id] {
			e.cancel(ErrBatchStopped)
		}
	}
	return nil
}
