package ratelimit

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/bulkverify/bulkverify/internal/redistest"
)

func TestMain(m *testing.M) { redistest.Main(m) }

func newMetrics() *Metrics { return NewMetrics(prometheus.NewRegistry()) }

func newTestLimiter(t *testing.T, url string, rate float64, burst int) *Limiter {
	rdb := redistest.Connect(t, url)
	lim := NewLimiter(Config{Provider: "p", Rate: rate, Burst: burst}, rdb, newMetrics())
	lim.Start()
	t.Cleanup(lim.Shutdown)
	return lim
}

// Two limiters on one Redis stand for two worker processes: together they
// never grant more than the rate (plus the burst) allows.
func TestLimitersShareOneGlobalRate(t *testing.T) {
	url := redistest.URL(t)
	a, b := newTestLimiter(t, url, 200, 1), newTestLimiter(t, url, 200, 1)
	const n = 150
	start := time.Now()
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			lim := a
			if i%2 == 1 {
				lim = b
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := lim.Wait(ctx, "batch"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	// n tokens at 200/s with a burst of 1 (and the spare, see limit) cannot
	// be had in less than (n-2)/200 s, however the two limiters interleave.
	if got, least := time.Since(start), time.Duration(n-2)*time.Second/200; got < least {
		t.Errorf("%d tokens granted in %v, want at least %v", n, got, least)
	}
}

func TestWaitGivesUpWithItsContext(t *testing.T) {
	lim := newTestLimiter(t, redistest.URL(t), 0.001, 1) // the burst, then one token per 1000 s
	granted := 0
	for ; granted < 3; granted++ {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		err := lim.Wait(ctx, "b")
		cancel()
		if err == context.DeadlineExceeded {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if granted == 0 || granted > 2 {
		t.Fatalf("got %d tokens before a wait timed out, want the burst: 1 or 2", granted)
	}
	if n := lim.queue.len(); n != 0 {
		t.Errorf("got %d waiters queued after they gave up, want 0", n)
	}
}

func TestTokensGoToBatchesInTurn(t *testing.T) {
	q := newFairQueue()
	var big, small []*waiter
	for range 6 {
		big = append(big, q.push("big"))
	}
	for range 2 {
		small = append(small, q.push("small"))
	}
	if got := q.grant(4); got != 4 {
		t.Fatalf("granted %d, want 4", got)
	}
	got := ""
	for _, w := range append(big, small...) {
		select {
		case <-w.ready:
			got += "1"
		default:
			got += "0"
		}
	}
	// big,big,big,big,big,big | small,small: two tokens each.
	if want := "110000" + "11"; got != want {
		t.Errorf("granted %s, want %s: the small batch's waiters must not queue behind the big one's", got, want)
	}
	if got := q.grant(10); got != 4 {
		t.Errorf("granted %d to the 4 left, want 4", got)
	}
	if q.len() != 0 || len(q.order) != 0 {
		t.Errorf("after granting everyone: %d waiters, order %v", q.len(), q.order)
	}
}

// fakeClock is a Clock whose time moves only when the test says.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
	armed  chan struct{} // signalled when a timer is made
}

type fakeTimer struct {
	at time.Time
	c  chan time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Unix(1_700_000_000, 0), armed: make(chan struct{}, 100)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) NewTimer(d time.Duration) Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{at: c.now.Add(d), c: make(chan time.Time, 1)}
	c.timers = append(c.timers, t)
	c.armed <- struct{}{}
	return t
}

func (t *fakeTimer) C() <-chan time.Time { return t.c }
func (t *fakeTimer) Stop() bool          { return true }

// advance moves the time on and fires the timers due.
func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	kept := c.timers[:0]
	for _, t := range c.timers {
		if !t.at.After(c.now) {
			t.c <- c.now
			continue
		}
		kept = append(kept, t)
	}
	c.timers = kept
}

// waitArmed waits until the code under test sets a timer.
func (c *fakeClock) waitArmed(t *testing.T) {
	t.Helper()
	select {
	case <-c.armed:
	case <-time.After(5 * time.Second):
		t.Fatal("no timer was set within 5 s")
	}
}

// scriptedTokens grants what the test scripts, one answer per take.
type scriptedTokens struct {
	answers chan tokenAnswer
	asked   chan int // the n of each take
}

type tokenAnswer struct {
	granted int
	retryIn time.Duration
	err     error
}

func (s *scriptedTokens) take(ctx context.Context, n int, rate float64) (int, time.Duration, error) {
	s.asked <- n
	select {
	case a := <-s.answers:
		return a.granted, a.retryIn, a.err
	case <-ctx.Done():
		return 0, 0, ctx.Err()
	}
}

// fixedRate is a rateSource that never adapts.
type fixedRate float64

func (r fixedRate) report(context.Context, int, int) (State, error) {
	return State{Rate: float64(r), Ceiling: float64(r)}, nil
}

func ready(w *waiter) bool {
	select {
	case <-w.ready:
		return true
	default:
		return false
	}
}

// The dispatcher asks for as many tokens as requests wait (up to the
// burst), hands out what it gets, waits on its clock for as long as the
// bucket says when it gets none, and ends on Shutdown, failing whoever
// still waits: all driven by hand, without sleeping.
func TestDispatcherHandsOutTokensAndWaitsOnItsClock(t *testing.T) {
	clock := newFakeClock()
	tokens := &scriptedTokens{answers: make(chan tokenAnswer), asked: make(chan int)}
	lim := newLimiter(Config{Provider: "p", Rate: 100, Burst: 5, Clock: clock}, tokens, fixedRate(100), newMetrics())
	ws := []*waiter{lim.queue.push("a"), lim.queue.push("a"), lim.queue.push("b")}
	lim.Start()
	defer lim.Shutdown()
	if n := <-tokens.asked; n != 3 {
		t.Fatalf("the dispatcher asked for %d tokens, want the 3 that wait", n)
	}
	tokens.answers <- tokenAnswer{granted: 2}
	if n := <-tokens.asked; n != 1 {
		t.Fatalf("then asked for %d tokens, want the 1 still waiting", n)
	}
	if !ready(ws[0]) || ready(ws[1]) || !ready(ws[2]) {
		t.Errorf("granted %v %v %v, want the first of each batch", ready(ws[0]), ready(ws[1]), ready(ws[2]))
	}
	tokens.answers <- tokenAnswer{retryIn: 40 * time.Millisecond}
	clock.waitArmed(t)
	clock.advance(39 * time.Millisecond)
	select {
	case <-tokens.asked:
		t.Fatal("the dispatcher asked again before the bucket's retry-in passed")
	default:
	}
	clock.advance(time.Millisecond)
	if n := <-tokens.asked; n != 1 {
		t.Fatalf("after the retry-in it asked for %d, want 1", n)
	}
	tokens.answers <- tokenAnswer{err: errors.New("redis down")}
	clock.waitArmed(t) // it waits redisRetry before asking again

	late := make(chan error, 1)
	go func() { late <- lim.Wait(context.Background(), "c") }()
	lim.Shutdown()
	if err := <-late; !errors.Is(err, ErrStopped) {
		t.Errorf("a Wait at shutdown got %v, want ErrStopped", err)
	}
	if err := lim.Wait(context.Background(), "c"); !errors.Is(err, ErrStopped) {
		t.Errorf("a Wait after shutdown got %v, want ErrStopped", err)
	}
}
