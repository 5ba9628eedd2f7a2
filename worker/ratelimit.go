package worker

import (
	"container/list"
	"context"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

// Limiter is the global rate limit of one provider: every upstream request
// of every worker process takes one token from a GCRA bucket in Redis
// (redis_rate, on Redis's clock). The rate adapts to the upstream: a 429
// cuts it (multiplicative decrease), success raises it again (additive
// increase) up to the configured rate. The adapted rate lives in Redis too,
// so all workers slow down together.
//
// In each process one dispatcher goroutine per provider asks Redis for
// tokens and hands them to waiting requests, round-robin between batches,
// so that a small batch is not queued behind a big one's requests and
// Redis sees one request per token rather than one per waiter.
type Limiter struct {
	provider   string
	configured float64 // requests/s; 0 = unlimited
	burst      int
	rdb        redis.UniversalClient
	gcra       *redis_rate.Limiter
	metrics    *Metrics
	now        func() time.Time

	mu        sync.Mutex
	waiting   map[string]*list.List // batch → FIFO of waiters
	order     []string              // batches with waiters, in round-robin order
	next      int
	n         int // waiters in all lists
	running   bool
	rate      float64 // adapted global rate, as last read
	rateRead  time.Time
	lastRaise time.Time
}

// LimiterConfig configures a Limiter.
type LimiterConfig struct {
	Provider string
	Rate     float64 // requests/s across all workers; 0 = unlimited
	Burst    int     // 0 = a tenth of a second's worth, at least 1
}

// AIMD parameters: a 429 cuts the rate to decreaseFactor of itself, at most
// once per adjustEvery; without 429s it climbs back by fastStep of the rate
// it had when it was cut, then by slowStep once within 5% of that ceiling,
// probing for the upstream's limit without overshooting it for long.
const (
	decreaseFactor = 0.85
	fastStep       = 0.05
	slowStep       = 0.005
	adjustEvery    = 500 * time.Millisecond
	minRateShare   = 0.02 // never below 2% of the configured rate
	rateRefresh    = 250 * time.Millisecond
)

// NewLimiter returns the limiter of one provider.
func NewLimiter(cfg LimiterConfig, rdb redis.UniversalClient, m *Metrics) *Limiter {
	burst := cfg.Burst
	if burst <= 0 {
		burst = max(1, int(math.Ceil(cfg.Rate/10)))
	}
	return &Limiter{
		provider: cfg.Provider, configured: cfg.Rate, burst: burst,
		rdb: rdb, gcra: redis_rate.NewLimiter(rdb), metrics: m, now: time.Now,
		waiting: map[string]*list.List{}, rate: cfg.Rate,
	}
}

func (l *Limiter) gcraKey() string { return "bv:limit:" + l.provider }
func (l *Limiter) aimdKey() string { return "bv:limit:" + l.provider + ":aimd" }

// limit is the redis_rate Limit for rate requests/s: an emission interval
// of 1/rate seconds, expressed in whole requests per period.
func (l *Limiter) limit(rate float64) redis_rate.Limit {
	return redis_rate.Limit{Rate: 1000, Period: time.Duration(float64(time.Second) * 1000 / rate), Burst: l.burst}
}

type waiter struct {
	ready chan struct{}
}

// Wait blocks until the provider's global limit grants this request a
// token, or ctx ends. batch is the round-robin key.
func (l *Limiter) Wait(ctx context.Context, batch string) error {
	if l.configured <= 0 {
		return nil
	}
	start := l.now()
	w := &waiter{ready: make(chan struct{})}
	l.mu.Lock()
	q := l.waiting[batch]
	if q == nil {
		q = list.New()
		l.waiting[batch] = q
		l.order = append(l.order, batch)
	}
	el := q.PushBack(w)
	l.n++
	if !l.running {
		l.running = true
		go l.dispatch()
	}
	l.mu.Unlock()
	select {
	case <-w.ready:
		l.metrics.TokenWait.WithLabelValues(l.provider).Add(l.now().Sub(start).Seconds())
		return nil
	case <-ctx.Done():
		l.mu.Lock()
		select {
		case <-w.ready: // granted meanwhile: the token is spent either way
		default:
			q.Remove(el)
			l.n--
		}
		l.mu.Unlock()
		return ctx.Err()
	}
}

// dispatch takes tokens from Redis while requests wait, handing each to the
// next batch in turn. It stops when no request waits.
func (l *Limiter) dispatch() {
	ctx := context.Background()
	for {
		l.mu.Lock()
		n := l.n
		if n == 0 {
			l.running = false
			l.mu.Unlock()
			return
		}
		l.mu.Unlock()
		rate := l.currentRate(ctx)
		res, err := l.gcra.AllowAtMost(ctx, l.gcraKey(), l.limit(rate), n)
		if err != nil {
			// Redis is unreachable: wait a little rather than spin; the
			// requests' own deadlines bound how long.
			time.Sleep(100 * time.Millisecond)
			continue
		}
		l.grant(res.Allowed)
		if res.Allowed == 0 {
			time.Sleep(max(res.RetryAfter, time.Millisecond))
		}
	}
}

// grant wakes up to n waiters, one batch after another.
func (l *Limiter) grant(n int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for ; n > 0 && l.n > 0; n-- {
		if l.next >= len(l.order) {
			l.next = 0
		}
		batch := l.order[l.next]
		q := l.waiting[batch]
		w := q.Remove(q.Front()).(*waiter)
		close(w.ready)
		l.n--
		if q.Len() == 0 {
			delete(l.waiting, batch)
			l.order = append(l.order[:l.next], l.order[l.next+1:]...)
		} else {
			l.next++
		}
	}
}

// currentRate returns the adapted global rate, read from Redis at most
// every rateRefresh.
func (l *Limiter) currentRate(ctx context.Context) float64 {
	l.mu.Lock()
	fresh := l.now().Sub(l.rateRead) < rateRefresh
	rate := l.rate
	l.mu.Unlock()
	if fresh {
		return rate
	}
	return l.adjust(ctx, "get")
}

// Throttled records a 429 from the upstream: the global rate is cut.
func (l *Limiter) Throttled(ctx context.Context) {
	l.metrics.Throttled.WithLabelValues(l.provider).Inc()
	if l.configured > 0 {
		l.adjust(ctx, "down")
	}
}

// Succeeded records an answer that was not a 429: below the configured
// rate, the global rate climbs back.
func (l *Limiter) Succeeded(ctx context.Context) {
	if l.configured <= 0 {
		return
	}
	l.mu.Lock()
	due := l.rate < l.configured && l.now().Sub(l.lastRaise) >= adjustEvery
	if due {
		l.lastRaise = l.now()
	}
	l.mu.Unlock()
	if due {
		l.adjust(ctx, "up")
	}
}

var aimdScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local configured = tonumber(ARGV[2])
local rate = tonumber(redis.call('HGET', KEYS[1], 'rate') or configured)
if rate > configured then rate = configured end
local ceiling = tonumber(redis.call('HGET', KEYS[1], 'ceiling') or configured)
local changed = tonumber(redis.call('HGET', KEYS[1], 'changed_at') or '0')
local gate = tonumber(ARGV[3])
if ARGV[1] == 'down' and now - changed >= gate then
  ceiling = rate
  rate = math.max(configured * tonumber(ARGV[4]), rate * tonumber(ARGV[5]))
  redis.call('HSET', KEYS[1], 'rate', rate, 'ceiling', ceiling, 'changed_at', now)
  redis.call('PEXPIRE', KEYS[1], 3600000)
elseif ARGV[1] == 'up' and rate < configured and now - changed >= gate then
  local step = tonumber(ARGV[7])
  if rate < 0.95 * ceiling then step = tonumber(ARGV[6]) end
  rate = math.min(configured, rate + step * ceiling)
  redis.call('HSET', KEYS[1], 'rate', rate, 'changed_at', now)
  redis.call('PEXPIRE', KEYS[1], 3600000)
end
return tostring(rate)`)

// adjust runs op (get, down, up) on the global rate and caches the result.
func (l *Limiter) adjust(ctx context.Context, op string) float64 {
	s, err := aimdScript.Run(ctx, l.rdb, []string{l.aimdKey()}, op, l.configured,
		adjustEvery.Milliseconds(), minRateShare, decreaseFactor, fastStep, slowStep).Text()
	l.mu.Lock()
	defer l.mu.Unlock()
	if err == nil {
		if r, perr := strconv.ParseFloat(s, 64); perr == nil && r > 0 {
			l.rate = r
		}
	}
	l.rateRead = l.now()
	l.metrics.Rate.WithLabelValues(l.provider).Set(l.rate)
	return l.rate
}

type batchKey struct{}

// WithBatch marks ctx as working for batch, the key the limiters take
// turns by.
func WithBatch(ctx context.Context, batch string) context.Context {
	return context.WithValue(ctx, batchKey{}, batch)
}

func batchFrom(ctx context.Context) string {
	b, _ := ctx.Value(batchKey{}).(string)
	return b
}

// Transport makes every request through base take a token of lim first,
// and reports 429s and other answers back to it.
type Transport struct {
	Base    http.RoundTripper
	Limiter *Limiter
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if err := t.Limiter.Wait(ctx, batchFrom(ctx)); err != nil {
		return nil, err
	}
	resp, err := t.Base.RoundTrip(req)
	class := "error"
	if err == nil {
		class = strconv.Itoa(resp.StatusCode/100) + "xx"
		if resp.StatusCode == http.StatusTooManyRequests {
			class = "429"
			t.Limiter.Throttled(ctx)
		} else if resp.StatusCode < 500 {
			t.Limiter.Succeeded(ctx)
		}
	}
	t.Limiter.metrics.Requests.WithLabelValues(t.Limiter.provider, class).Inc()
	return resp, err
}
