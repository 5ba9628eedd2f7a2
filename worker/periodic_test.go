package worker

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// The loop every background component runs on: shutdown ends the run in
// progress through its context and returns only once it has returned.
func TestPeriodicShutdownWaitsForTheRunInProgress(t *testing.T) {
	t.Parallel()
	entered := make(chan struct{}, 1)
	var returned atomic.Bool
	var p periodic
	p.start(time.Millisecond, quietLog(), "test", func(ctx context.Context) error {
		select {
		case entered <- struct{}{}:
		default:
		}
		<-ctx.Done()
		returned.Store(true)
		return ctx.Err()
	})
	select {
	case <-entered:
	case <-time.After(10 * time.Second):
		t.Fatal("no run within 10s of start")
	}
	p.shutdown()
	if !returned.Load() {
		t.Error("shutdown returned while a run was in progress")
	}
	p.shutdown() // a second shutdown returns at once
}

// startNow runs at once, not an interval later.
func TestPeriodicStartNowRunsAtOnce(t *testing.T) {
	t.Parallel()
	runs := make(chan struct{}, 1)
	var p periodic
	p.startNow(time.Hour, quietLog(), "test", func(context.Context) error {
		runs <- struct{}{}
		return nil
	})
	defer p.shutdown()
	select {
	case <-runs:
	case <-time.After(10 * time.Second):
		t.Fatal("startNow with an interval of an hour: no run within 10s, want one at once")
	}
}

// A loop never started shuts down at once.
func TestPeriodicShutdownWithoutStart(t *testing.T) {
	t.Parallel()
	var p periodic
	p.shutdown()
}
