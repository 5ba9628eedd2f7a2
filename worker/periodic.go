package worker

import (
	"context"
	"log/slog"
	"time"
)

// runEvery calls run every interval until ctx ends, logging its errors
// (as what) unless ctx ended meanwhile.
func runEvery(ctx context.Context, every time.Duration, log *slog.Logger, what string, run func(context.Context) error) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			runOnce(ctx, log, what, run)
		}
	}
}

// runOnce calls run and logs its error (as what) unless ctx ended
// meanwhile.
func runOnce(ctx context.Context, log *slog.Logger, what string, run func(context.Context) error) {
	if err := run(ctx); err != nil && ctx.Err() == nil {
		log.Warn(what, "err", err)
	}
}

// periodic is runEvery on a goroutine of its own, from start until
// shutdown, which waits for a run in progress. It is how every background
// component of a worker (StopWatch, Leases, Reaper, KeyRotator, Sweeper)
// runs: a test drives one by its interval, or calls its run directly.
type periodic struct {
	stop context.CancelFunc
	done chan struct{}
}

// start runs run every interval until shutdown.
func (p *periodic) start(every time.Duration, log *slog.Logger, what string, run func(context.Context) error) {
	p.begin(func(ctx context.Context) { runEvery(ctx, every, log, what, run) })
}

// startNow runs run at once, then every interval until shutdown.
func (p *periodic) startNow(every time.Duration, log *slog.Logger, what string, run func(context.Context) error) {
	p.begin(func(ctx context.Context) {
		runOnce(ctx, log, what, run)
		runEvery(ctx, every, log, what, run)
	})
}

func (p *periodic) begin(loop func(context.Context)) {
	ctx, cancel := context.WithCancel(context.Background())
	p.stop, p.done = cancel, make(chan struct{})
	go func() {
		defer close(p.done)
		loop(ctx)
	}()
}

// shutdown stops the loop and waits for it; it does nothing if the loop
// was never started.
func (p *periodic) shutdown() {
	if p.stop != nil {
		p.stop()
		<-p.done
	}
}
