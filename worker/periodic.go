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
			if err := run(ctx); err != nil && ctx.Err() == nil {
				log.Warn(what, "err", err)
			}
		}
	}
}

// periodic is runEvery on a goroutine of its own, from start until
// shutdown, which waits for a run in progress.
type periodic struct {
	stop context.CancelFunc
	done chan struct{}
}

func (p *periodic) start(every time.Duration, log *slog.Logger, what string, run func(context.Context) error) {
	ctx, cancel := context.WithCancel(context.Background())
	p.stop, p.done = cancel, make(chan struct{})
	go func() {
		defer close(p.done)
		runEvery(ctx, every, log, what, run)
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
