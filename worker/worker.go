package worker

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/hibiken/asynq"
)

// Listener is a part of a worker that the program makes, such as the
// listener of its metrics: Start begins it, Shutdown ends it, within ctx,
// and waits for it.
type Listener interface {
	Start(ctx context.Context) error
	Shutdown(ctx context.Context) error
}

// Worker is one worker process: the asynq server that runs the tasks and
// the background components beside it. Start starts them all, in order;
// Shutdown stops the started ones in the reverse order and waits for each.
// A nil component is left out.
type Worker struct {
	// Server runs the tasks with Handler until Shutdown, which waits for
	// the tasks in flight (asynq's ShutdownTimeout).
	Server  *asynq.Server
	Handler asynq.Handler
	// Stops and Leases serve the chunk handlers, so they start before the
	// server and stop after it.
	Stops  *StopWatch
	Leases *Leases
	// Metrics serves the worker's metrics.
	Metrics Listener
	Reaper  *Reaper
	Rotator *KeyRotator
	Sweeper *Sweeper

	mu      sync.Mutex
	started []component
}

// component is one part of a Worker, by name.
type component struct {
	name     string
	start    func(ctx context.Context) error
	shutdown func(ctx context.Context) error
}

// components lists the worker's parts in the order they start.
func (w *Worker) components() []component {
	var out []component
	add := func(name string, present bool, start func(context.Context) error, shutdown func(context.Context) error) {
		if present {
			out = append(out, component{name, start, shutdown})
		}
	}
	add("stop watch", w.Stops != nil, background(w.Stops.Start), background(w.Stops.Shutdown))
	add("chunk leases", w.Leases != nil, background(w.Leases.Start), background(w.Leases.Shutdown))
	add("worker", w.Server != nil, w.startServer, background(w.Server.Shutdown))
	add("metrics listener", w.Metrics != nil, listenerStart(w.Metrics), listenerShutdown(w.Metrics))
	add("retention", w.Reaper != nil, background(w.Reaper.Start), background(w.Reaper.Shutdown))
	add("key rotation", w.Rotator != nil, background(w.Rotator.Start), background(w.Rotator.Shutdown))
	add("sweeper", w.Sweeper != nil, background(w.Sweeper.Start), background(w.Sweeper.Shutdown))
	return out
}

// Start starts every component in order. When one fails to start, the
// ones already started are shut down and Start returns why (each
// component's error says which it is).
func (w *Worker) Start(ctx context.Context) error {
	for _, c := range w.components() {
		if err := c.start(ctx); err != nil {
			return errors.Join(err, w.Shutdown(ctx))
		}
		w.mu.Lock()
		w.started = append(w.started, c)
		w.mu.Unlock()
	}
	return nil
}

// Shutdown stops the components started, the last started first, and
// waits for each: the sweeper, key rotation and retention end their run in
// progress, the metrics listener closes within ctx, the task server hands
// back what it could not finish within its ShutdownTimeout, and only then
// are the chunk leases dropped and the stop watch stopped. A second call
// does nothing.
func (w *Worker) Shutdown(ctx context.Context) error {
	w.mu.Lock()
	started := w.started
	w.started = nil
	w.mu.Unlock()
	var errs []error
	for _, c := range slices.Backward(started) {
		if err := c.shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("shut down %s: %w", c.name, err))
		}
	}
	return errors.Join(errs...)
}

func (w *Worker) startServer(context.Context) error {
	if err := w.Server.Start(w.Handler); err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	return nil
}

// background adapts a Start or Shutdown that cannot fail. It is given a
// method value of a component that may be nil, so it does not call it at
// once.
func background(f func()) func(context.Context) error {
	return func(context.Context) error {
		f()
		return nil
	}
}

func listenerStart(l Listener) func(context.Context) error {
	return func(ctx context.Context) error { return l.Start(ctx) }
}

func listenerShutdown(l Listener) func(context.Context) error {
	return func(ctx context.Context) error { return l.Shutdown(ctx) }
}
