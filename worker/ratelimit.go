package worker

import (
	"container/list"
	"context"
	_ "embed"
	"math"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

// Limiter is the global rate limit of one provider: every upstream request
// of every worker process takes one token from a GCRA bucket in Redis
// (redis_rate, on Redis's clock). The rate adapts to the upstream: every
// worker reports its answers, and once a second the share of 429s among all
// of them decides: above throttleShare the rate is cut to what the upstream
// accepted (multiplicative decrease), otherwise it climbs back towards the
// configured rate (additive increase). The adapted rate lives in Redis, so
// all workers slow down and recover together.
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
	ok, thrtl int64 // answers not yet reported to Redis
}

// LimiterConfig configures a Limiter.
type LimiterConfig struct {
	Provider string
	Rate     float64 // requests/s across all workers; 0 = unlimited
	Burst    int     // 0 = a tenth of a second's worth, at least 1
}

// AIMD parameters. Answers are pooled across workers in windows of
// aimdWindow. A window with more than throttleShare 429s (probeShare once
// the rate is above the upstream's last known limit), and at least
// minSample answers, cuts the rate to what the upstream accepted, less
// cutMargin; the next window is not judged, since its 429s still answer the
// old rate. Any other window raises the rate: by slowStep of the last known
// limit near it (-5%..+20%), by fastStep of the configured rate elsewhere.
// Scattered 429s below throttleShare (a quota shared with other callers)
// do not drag the rate down.
const (
	aimdWindow    = time.Second
	aimdHold      = 2 * aimdWindow
	throttleShare = 0.05
	probeShare    = 0.01
	cutMargin     = 0.97
	minSample     = 10
	fastStep      = 0.05
	slowStep      = 0.005
	minRateShare  = 0.05 // never below 5% of the configured rate
	rateRefresh   = 250 * time.Millisecond
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
// of 1/rate seconds, expressed in whole requests per period. The script
// works in float seconds since 2017, which loses a few tens of nanoseconds:
// a burst of exactly b would then grant only b-1 at once (and a burst of 1
// nothing ever), so it is given a spare token's room.
func (l *Limiter) limit(rate float64) redis_rate.Limit {
	return redis_rate.Limit{Rate: 1000, Period: time.Duration(float64(time.Second) * 1000 / rate), Burst: l.burst + 1}
}

type waiter struct {
	ready chan struct{}
}

// enqueue adds a waiter for batch and makes sure the dispatcher runs.
func (l *Limiter) enqueue(batch string) (*waiter, *list.Element, *list.List) {
	w := &waiter{ready: make(chan struct{})}
	l.mu.Lock()
	defer l.mu.Unlock()
	q := l.waiting[batch]
	if q == nil {
		q = list.New()
		l.waiting[batch] = q
		l.order = append(l.order, batch)
	}
	el := q.PushBack(w)
	l.n++
	if !l.running && l.configured > 0 {
		l.running = true
		go l.dispatch()
	}
	return w, el, q
}

// Wait blocks until the provider's global limit grants this request a
// token, or ctx ends. batch is the round-robin key.
func (l *Limiter) Wait(ctx context.Context, batch string) error {
	if l.configured <= 0 {
		return nil
	}
	start := l.now()
	w, el, q := l.enqueue(batch)
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
			if q.Len() == 0 {
				l.dropBatch(batch)
			}
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
		// Whole tokens only (AllowAtMost would spend fractions of a token it
		// does not grant): as many as wait, up to the burst, in one call
		// when the bucket has them, else one.
		lim := l.limit(rate)
		res, err := l.gcra.AllowN(ctx, l.gcraKey(), lim, min(n, l.burst))
		if err == nil && res.Allowed == 0 && min(n, l.burst) > 1 {
			res, err = l.gcra.AllowN(ctx, l.gcraKey(), lim, 1)
		}
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
			l.dropBatch(batch) // the next batch moves up to l.next
		} else {
			l.next++
		}
	}
}

// dropBatch forgets a batch that has no waiters left; l.mu is held.
func (l *Limiter) dropBatch(batch string) {
	delete(l.waiting, batch)
	i := slices.Index(l.order, batch)
	l.order = slices.Delete(l.order, i, i+1)
	if i < l.next {
		l.next--
	}
}

// currentRate returns the adapted global rate, synced with Redis at most
// every rateRefresh.
func (l *Limiter) currentRate(ctx context.Context) float64 {
	l.mu.Lock()
	fresh := l.now().Sub(l.rateRead) < rateRefresh
	rate := l.rate
	l.mu.Unlock()
	if fresh {
		return rate
	}
	return l.sync(ctx)
}

// Observe records an upstream answer: throttled is true for a 429.
func (l *Limiter) Observe(ctx context.Context, throttled bool) {
	if throttled {
		l.metrics.Throttled.WithLabelValues(l.provider).Inc()
	}
	if l.configured <= 0 {
		return
	}
	l.mu.Lock()
	if throttled {
		l.thrtl++
	} else {
		l.ok++
	}
	due := l.now().Sub(l.rateRead) >= rateRefresh
	l.mu.Unlock()
	if due {
		l.sync(ctx)
	}
}

//go:embed aimd.lua
var aimdLua string

var aimdScript = redis.NewScript(aimdLua)

// sync reports the answers seen since the last sync and reads back the
// adapted global rate.
func (l *Limiter) sync(ctx context.Context) float64 {
	l.mu.Lock()
	ok, thrtl := l.ok, l.thrtl
	l.ok, l.thrtl = 0, 0
	l.rateRead = l.now()
	l.mu.Unlock()
	s, err := aimdScript.Run(ctx, l.rdb, []string{l.aimdKey()}, l.configured, ok, thrtl,
		aimdWindow.Milliseconds(), aimdHold.Milliseconds(), throttleShare, probeShare, cutMargin, minSample, fastStep, slowStep, minRateShare).Text()
	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil {
		l.ok, l.thrtl = l.ok+ok, l.thrtl+thrtl // report them next time
	} else if r, perr := strconv.ParseFloat(s, 64); perr == nil && r > 0 {
		l.rate = r
	}
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
		}
		if resp.StatusCode < 500 {
			t.Limiter.Observe(ctx, resp.StatusCode == http.StatusTooManyRequests)
		}
	}
	t.Limiter.metrics.Requests.WithLabelValues(t.Limiter.provider, class).Inc()
	return resp, err
}
