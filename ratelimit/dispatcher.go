package ratelimit

import (
	"context"
	"sync"
	"time"
)

// redisRetry is how long the dispatcher waits before asking again when
// Redis does not answer; the waiting requests' own deadlines bound the
// whole wait.
const redisRetry = 100 * time.Millisecond

// dispatcher takes tokens from the bucket while requests wait and hands
// them to the fair queue. It is a background component in asynq's shape
// (janitor.go): start(wg) runs it, shutdown() stops it; its clock is
// injected, so a test drives it without sleeping.
type dispatcher struct {
	lim   *Limiter
	clock Clock
	done  chan struct{}
}

func (d *dispatcher) start(wg *sync.WaitGroup) {
	ctx, cancel := context.WithCancel(context.Background())
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer cancel()
		go func() {
			<-d.done
			cancel() // cuts a Redis call in flight
		}()
		for d.step(ctx) {
		}
	}()
}

func (d *dispatcher) shutdown() { close(d.done) }

// step waits for requests, grants what the bucket gives, and waits for the
// bucket when it gives nothing. It returns false once shut down.
func (d *dispatcher) step(ctx context.Context) bool {
	q := d.lim.queue
	n := q.len()
	if n == 0 {
		select {
		case <-d.done:
			return false
		case <-q.changed:
			return true
		}
	}
	rate := d.lim.currentRate(ctx)
	granted, retryIn, err := d.lim.tokens.take(ctx, min(n, d.lim.burst), rate)
	switch {
	case err != nil:
		return d.sleep(redisRetry)
	case granted == 0:
		return d.sleep(max(retryIn, time.Millisecond))
	}
	q.grant(granted)
	return true
}

// sleep waits d on the clock; false when shut down first.
func (d *dispatcher) sleep(wait time.Duration) bool {
	t := d.clock.NewTimer(wait)
	defer t.Stop()
	select {
	case <-d.done:
		return false
	case <-t.C():
		return true
	}
}
