package worker

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/bulkverify/bulkverify/internal/redistest"
)

func TestMain(m *testing.M) { redistest.Main(m) }

func newTestLimiter(t *testing.T, rate float64, burst int) *Limiter {
	rdb := redistest.Connect(t, redistest.URL(t))
	return NewLimiter(LimiterConfig{Provider: "p", Rate: rate, Burst: burst}, rdb, NewMetrics(prometheus.NewRegistry()))
}

// Two limiters on one Redis stand for two worker processes: together they
// never grant more than the rate (plus the burst) allows.
func TestLimitersShareOneGlobalRate(t *testing.T) {
	a := newTestLimiter(t, 200, 1)
	b := NewLimiter(LimiterConfig{Provider: "p", Rate: 200, Burst: 1}, a.rdb, a.metrics)
	const n = 150
	start := time.Now()
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lim := a
			if i%2 == 1 {
				lim = b
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := lim.Wait(ctx, "batch"); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	// n tokens at 200/s with a burst of 1 (and the spare, see limit) cannot
	// be had in less than (n-2)/200 s, however the two limiters interleave.
	if got, least := time.Since(start), time.Duration(n-2)*time.Second/200; got < least {
		t.Errorf("%d tokens granted in %v, want at least %v", n, got, least)
	}
}

func TestWaitGivesUpWithItsContext(t *testing.T) {
	lim := newTestLimiter(t, 0.001, 1) // the burst, then one token per 1000 s
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
	lim.mu.Lock()
	defer lim.mu.Unlock()
	if lim.n != 0 || len(lim.order) != 0 || len(lim.waiting) != 0 {
		t.Errorf("an abandoned waiter stayed queued: n=%d order=%v", lim.n, lim.order)
	}
}

func TestTokensGoToBatchesInTurn(t *testing.T) {
	// Rate 0: no dispatcher runs, so the test hands out tokens itself.
	lim := NewLimiter(LimiterConfig{Provider: "p"}, nil, NewMetrics(prometheus.NewRegistry()))
	var big, small []*waiter
	for range 6 {
		w, _, _ := lim.enqueue("big")
		big = append(big, w)
	}
	for range 2 {
		w, _, _ := lim.enqueue("small")
		small = append(small, w)
	}
	lim.grant(4)
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
	lim.grant(10)
	if lim.n != 0 || len(lim.order) != 0 {
		t.Errorf("after granting everyone: %d waiters, order %v", lim.n, lim.order)
	}
}

// runAIMD runs one step of the AIMD script with a zero window, so that
// every call closes a window.
func runAIMD(t *testing.T, lim *Limiter, configured float64, ok, throttled int) float64 {
	t.Helper()
	s, err := aimdScript.Run(context.Background(), lim.rdb, []string{lim.aimdKey()}, configured, ok, throttled,
		0, 0, throttleShare, probeShare, cutMargin, minSample, fastStep, slowStep, minRateShare).Text()
	if err != nil {
		t.Fatal(err)
	}
	r, _ := strconv.ParseFloat(s, 64)
	return r
}

func TestAIMDCutsToWhatTheUpstreamAcceptsAndClimbsBack(t *testing.T) {
	lim := newTestLimiter(t, 100, 0)
	steps := []struct {
		name          string
		ok, throttled int
		want          float64
	}{
		{"a window without 429s keeps the configured rate", 100, 0, 100},
		{"half throttled cuts to what was accepted, less the margin", 50, 50, 50 * cutMargin},
		{"near the new limit a quiet window probes gently", 100, 0, 48.5 + slowStep*50},
		{"429s under the threshold do not cut", 97, 3, 48.75 + slowStep*50},
		{"too few answers to judge change nothing", 0, 5, 49},
		{"the held-over answers count in the next window", 0, 5, 5}, // all throttled: down to the floor
		{"at the floor, which is now the known limit, it probes gently", 100, 0, 5 + 0.001*100},
	}
	for _, st := range steps {
		got := runAIMD(t, lim, 100, st.ok, st.throttled)
		if math.Abs(got-st.want) > 1e-6 {
			t.Fatalf("%s: got rate %.3f, want %.3f", st.name, got, st.want)
		}
	}
	for i := range 60 {
		runAIMD(t, lim, 100, 100, 0)
		_ = i
	}
	if got := runAIMD(t, lim, 100, 100, 0); got != 100 {
		t.Errorf("after a minute without 429s: got rate %v, want the configured 100", got)
	}
	if got := runAIMD(t, lim, 80, 100, 0); got != 80 {
		t.Errorf("after the configured rate is lowered: got %v, want 80", got)
	}
}

// Configured at twice what the upstream accepts, the rate converges on
// the upstream's limit within a few windows and stays near it.
func TestAIMDConvergesOnTheUpstreamLimit(t *testing.T) {
	lim := newTestLimiter(t, 200, 0)
	const limit = 100.0
	rate := 200.0
	var last []float64
	for window := range 30 {
		sent := int(rate)
		accepted := min(sent, int(limit))
		rate = runAIMD(t, lim, 200, accepted, sent-accepted)
		if window >= 20 {
			last = append(last, rate)
		}
	}
	for _, r := range last {
		if r < 0.9*limit || r > 1.1*limit {
			t.Errorf("rates of windows 20-29 are %v, want all within 10%% of %v", fmt.Sprint(last), limit)
			break
		}
	}
}
