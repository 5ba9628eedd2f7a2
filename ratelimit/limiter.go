// Package ratelimit holds the global rate limit of each upstream provider:
// a GCRA bucket in Redis shared by every worker process, a fair queue that
// hands its tokens to batches in turn, the adaptive rate (aimd.go) and the
// HTTP transport that puts every upstream request through them.
package ratelimit

import (
	"context"
	"errors"
	"math"
	"sync"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

// ErrStopped is returned by Wait once the limiter is shut down.
var ErrStopped = errors.New("rate limiter stopped")

// rateRefresh is how often a process reports its answers and reads the
// adapted rate back.
const rateRefresh = 250 * time.Millisecond

// Config configures a Limiter.
type Config struct {
	Provider string
	// Rate is the configured global rate, requests/s across all workers;
	// 0 means unlimited.
	Rate float64
	// Burst is how many requests may go at once; 0 means a tenth of a
	// second's worth, at least 1.
	Burst int
	// Params tune the adaptive rate; the zero value means DefaultParams.
	Params Params
	// Clock is the dispatcher's time; nil means SystemClock.
	Clock Clock
}

// Limiter is the global rate limit of one provider: every upstream request
// of every worker process takes one token from a bucket in Redis at the
// adapted rate. In each process its dispatcher asks Redis for tokens while
// requests wait and hands them out round-robin between batches, so that a
// small batch is not queued behind a big one's requests and Redis sees one
// request per grant rather than one per waiter.
//
// Start the dispatcher before the first Wait; Shutdown stops it.
type Limiter struct {
	provider   string
	configured float64
	burst      int
	queue      *fairQueue
	tokens     tokenSource
	shared     rateSource
	metrics    *Metrics
	clock      Clock
	disp       *dispatcher
	wg         sync.WaitGroup
	stopped    chan struct{}
	stopOnce   sync.Once

	mu            sync.Mutex
	state         State
	synced        time.Time
	ok, throttled int // answers not yet reported
}

// NewLimiter returns the limiter of one provider, its bucket and adapted
// rate in rdb.
func NewLimiter(cfg Config, rdb redis.UniversalClient, m *Metrics) *Limiter {
	cfg = withDefaults(cfg)
	key := "bv:limit:" + cfg.Provider
	return newLimiter(cfg,
		&gcraBucket{gcra: redis_rate.NewLimiter(rdb), key: key, burst: cfg.Burst},
		&sharedRate{rdb: rdb, key: key + ":aimd", configured: cfg.Rate, params: cfg.Params},
		m)
}

func withDefaults(cfg Config) Config {
	if cfg.Burst <= 0 {
		cfg.Burst = max(1, int(math.Ceil(cfg.Rate/10)))
	}
	if cfg.Params.Window <= 0 {
		cfg.Params = DefaultParams
	}
	if cfg.Clock == nil {
		cfg.Clock = SystemClock{}
	}
	return cfg
}

func newLimiter(cfg Config, tokens tokenSource, shared rateSource, m *Metrics) *Limiter {
	cfg = withDefaults(cfg)
	l := &Limiter{
		provider: cfg.Provider, configured: cfg.Rate, burst: cfg.Burst,
		queue: newFairQueue(), tokens: tokens, shared: shared, metrics: m, clock: cfg.Clock,
		stopped: make(chan struct{}), state: initialState(cfg.Rate),
	}
	l.disp = &dispatcher{lim: l, clock: cfg.Clock, done: make(chan struct{})}
	return l
}

// Start starts the dispatcher. A limiter without a rate (unlimited) needs
// none.
func (l *Limiter) Start() {
	if l.configured > 0 {
		l.disp.start(&l.wg)
	}
}

// Shutdown stops the dispatcher and waits for it; requests still waiting,
// and any later Wait, get ErrStopped.
func (l *Limiter) Shutdown() {
	l.stopOnce.Do(func() {
		l.queue.close()
		close(l.stopped)
		l.disp.shutdown()
		l.wg.Wait()
	})
}

// Wait blocks until the provider's global limit grants this request a
// token, or ctx ends (ctx's error), or the limiter is shut down
// (ErrStopped). batch is the key the tokens take turns by.
func (l *Limiter) Wait(ctx context.Context, batch string) error {
	if l.configured <= 0 {
		return nil
	}
	start := l.clock.Now()
	w := l.queue.push(batch)
	if w == nil {
		return ErrStopped
	}
	l.metrics.Waiting.WithLabelValues(l.provider).Inc()
	defer l.metrics.Waiting.WithLabelValues(l.provider).Dec()
	select {
	case <-w.ready:
		waited := l.clock.Now().Sub(start)
		l.metrics.TokenWait.WithLabelValues(l.provider).Add(waited.Seconds())
		if m := meterFrom(ctx); m != nil {
			m.add(waited)
		}
		return nil
	case <-ctx.Done():
		l.queue.remove(w) // granted meanwhile: the token is spent either way
		return ctx.Err()
	case <-l.stopped:
		return ErrStopped
	}
}

// Observe records an upstream answer to the adaptive rate: throttled is
// true for a 429. Only answers that say something of the rate count: not
// 5xx, timeouts or errors.
func (l *Limiter) Observe(ctx context.Context, throttled bool) {
	if throttled {
		l.metrics.Throttled.WithLabelValues(l.provider).Inc()
	}
	if l.configured <= 0 {
		return
	}
	l.mu.Lock()
	if throttled {
		l.throttled++
	} else {
		l.ok++
	}
	due := l.clock.Now().Sub(l.synced) >= rateRefresh
	l.mu.Unlock()
	if due {
		l.sync(ctx)
	}
}

// Rate returns the adapted global rate as last read.
func (l *Limiter) Rate() float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.state.Rate
}

// currentRate returns the adapted global rate, synced with Redis at most
// every rateRefresh.
func (l *Limiter) currentRate(ctx context.Context) float64 {
	l.mu.Lock()
	fresh := l.clock.Now().Sub(l.synced) < rateRefresh
	rate := l.state.Rate
	l.mu.Unlock()
	if fresh {
		return rate
	}
	return l.sync(ctx)
}

// sync reports the answers seen since the last sync and reads back the
// adapted rate.
func (l *Limiter) sync(ctx context.Context) float64 {
	l.mu.Lock()
	ok, throttled := l.ok, l.throttled
	l.ok, l.throttled = 0, 0
	l.synced = l.clock.Now()
	l.mu.Unlock()
	s, err := l.shared.report(ctx, ok, throttled)
	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil {
		l.ok, l.throttled = l.ok+ok, l.throttled+throttled // report them next time
	} else if s.Rate > 0 {
		l.state = s
	}
	l.metrics.Rate.WithLabelValues(l.provider).Set(l.state.Rate)
	l.metrics.Background.WithLabelValues(l.provider).Set(l.state.Base)
	return l.state.Rate
}
