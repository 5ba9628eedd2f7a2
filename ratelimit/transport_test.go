package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

// unlimited is a limiter without a rate: Wait never blocks, and the
// metrics are still kept.
func unlimited() *Limiter {
	return newLimiter(Config{Provider: "p"}, nil, nil, newMetrics())
}

func get(t *testing.T, client *http.Client, ctx context.Context, url string) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return client.Do(req)
}

// The timeout bounds each attempt from when it is sent: a request that
// waited longer than the timeout for its token still gets its answer.
func TestTimeoutStartsWhenTheRequestIsSent(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }))
	defer srv.Close()
	const timeout = 50 * time.Millisecond
	tokens := &scriptedTokens{answers: make(chan tokenAnswer, 1), asked: make(chan int, 10)}
	lim := newLimiter(Config{Provider: "p", Rate: 10}, tokens, fixedRate(10), newMetrics())
	lim.Start()
	defer lim.Shutdown()
	client := &http.Client{Transport: NewTransport(http.DefaultTransport, lim, TransportConfig{Timeout: timeout})}
	time.AfterFunc(3*timeout, func() { tokens.answers <- tokenAnswer{granted: 1} }) // the token comes late
	resp, err := get(t, client, context.Background(), srv.URL)
	if err != nil {
		t.Fatalf("got %v after waiting 3× the timeout for a token, want the answer", err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "ok" {
		t.Errorf("got body %q, want ok", b)
	}
}

// A request that gets no answer ends with its own timeout, counted as
// such, and does not keep its caller waiting.
func TestHungRequestTimesOut(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	lim := unlimited()
	client := &http.Client{Transport: NewTransport(http.DefaultTransport, lim, TransportConfig{Timeout: 50 * time.Millisecond})}
	_, err := get(t, client, context.Background(), srv.URL)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "no answer within 50ms") {
		t.Fatalf("got error %v, want no answer within 50ms (context.DeadlineExceeded)", err)
	}
	if got := testutil.ToFloat64(lim.metrics.Requests.WithLabelValues("p", "timeout")); got != 1 {
		t.Errorf("got %v requests counted as timeouts, want 1", got)
	}
}

// hungOnce serves requests, each first given to seen (when set): the
// first hangs until it is cut, which closes cut; the others answer
// "second". It returns the server's URL, the count of requests and cut.
func hungOnce(t *testing.T, seen func(*http.Request)) (string, *atomic.Int32, <-chan struct{}) {
	var calls atomic.Int32
	cut := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if seen != nil {
			seen(r)
		}
		if calls.Add(1) == 1 {
			<-r.Context().Done() // the first copy hangs until it is cut
			close(cut)
			return
		}
		w.Write([]byte("second"))
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &calls, cut
}

// hedgingClient sends through lim, hedging after 20 ms.
func hedgingClient(lim *Limiter) *http.Client {
	return &http.Client{Transport: NewTransport(http.DefaultTransport, lim, TransportConfig{Timeout: time.Minute, HedgeAfter: 20 * time.Millisecond})}
}

// A GET that hangs is sent again after the hedge delay; the second copy's
// answer is returned and the hung copy is cut.
func TestHungGETIsHedged(t *testing.T) {
	url, _, cut := hungOnce(t, nil)
	lim := unlimited()
	client := hedgingClient(lim)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := get(t, client, WithOperation(ctx, "list"), url)
	if err != nil {
		t.Fatalf("got %v, want the second copy's answer", err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "second" {
		t.Errorf("got body %q, want %q", b, "second")
	}
	select {
	case <-cut:
	case <-time.After(5 * time.Second):
		t.Error("the hung copy was not cut within 5 s of the answer")
	}
	if got := testutil.ToFloat64(lim.metrics.Hedges.WithLabelValues("p")); got != 1 {
		t.Errorf("got %v hedges, want 1", got)
	}
	if got := testutil.CollectAndCount(lim.metrics.Duration, "bulkverify_upstream_request_duration_seconds"); got != 1 {
		t.Errorf("got %d duration series, want 1 (the winner's)", got)
	}
	if got := testutil.ToFloat64(lim.metrics.Requests.WithLabelValues("p", "2xx")); got != 1 {
		t.Errorf("got %v 2xx requests, want 1", got)
	}
}

// A POST its caller declares idempotent (an empty Idempotency-Key, which
// is not sent) is hedged like a GET, each copy with the whole body.
func TestIdempotentPOSTIsHedgedWithItsBody(t *testing.T) {
	bodies := make(chan string, 2)
	url, calls, _ := hungOnce(t, func(r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		bodies <- fmt.Sprintf("%s key sent: %v", b, r.Header["Idempotency-Key"] != nil)
	})
	client := hedgingClient(unlimited())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(`{"q":1}`))
	req.Header["Idempotency-Key"] = nil
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("got %v, want the second copy's answer", err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "second" || calls.Load() != 2 {
		t.Errorf("got body %q after %d copies, want %q after 2", b, calls.Load(), "second")
	}
	for range 2 {
		if got := <-bodies; got != `{"q":1} key sent: false` {
			t.Errorf("a copy got %q, want the whole body and no Idempotency-Key", got)
		}
	}
}

// A POST is never hedged unless declared idempotent: sending it twice
// could do the work twice.
func TestPOSTIsNotHedged(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		time.Sleep(100 * time.Millisecond) // a slow answer: 10× the hedge delay
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	lim := unlimited()
	client := &http.Client{Transport: NewTransport(http.DefaultTransport, lim, TransportConfig{Timeout: time.Minute, HedgeAfter: 10 * time.Millisecond})}
	resp, err := client.Post(srv.URL, "text/plain", strings.NewReader("body"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := calls.Load(); got != 1 {
		t.Errorf("the server got %d copies of a POST, want 1", got)
	}
}

// Each answer is recorded by provider, operation and outcome once its body
// ends; an answer cut off in its body is an error, not a 2xx; 429s and
// other answers reach the adaptive rate, 5xx do not.
func TestOutcomesAreRecordedAndObserved(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/throttled":
			w.WriteHeader(http.StatusTooManyRequests)
		case "/down":
			w.WriteHeader(http.StatusBadGateway)
		case "/cut":
			w.Header().Set("Content-Length", "100")
			w.Write([]byte("only ten b"))
			http.NewResponseController(w).Flush()
			panic(http.ErrAbortHandler)
		default:
			w.Write([]byte("ok"))
		}
	}))
	defer srv.Close()
	rate := &countingRate{}
	lim := newLimiter(Config{Provider: "p", Rate: 1000}, grantAll{}, rate, newMetrics())
	lim.Start()
	defer lim.Shutdown()
	client := &http.Client{Transport: NewTransport(http.DefaultTransport, lim, TransportConfig{Timeout: time.Minute})}
	for _, path := range []string{"/ok", "/throttled", "/down", "/cut"} {
		resp, err := get(t, client, WithOperation(context.Background(), "fetch"), srv.URL+path)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	for outcome, want := range map[string]float64{"2xx": 1, "429": 1, "5xx": 1, "error": 1} {
		if got := testutil.ToFloat64(lim.metrics.Requests.WithLabelValues("p", outcome)); got != want {
			t.Errorf("got %v requests with outcome %s, want %v", got, outcome, want)
		}
	}
	if got := testutil.CollectAndCount(lim.metrics.Duration); got != 4 {
		t.Errorf("got %d duration series (provider, operation fetch, outcome), want 4", got)
	}
	if got := testutil.ToFloat64(lim.metrics.Throttled.WithLabelValues("p")); got != 1 {
		t.Errorf("got %v throttled answers, want 1", got)
	}
	lim.sync(context.Background()) // report what is left
	if ok, thr := rate.ok.Load(), rate.throttled.Load(); ok != 2 || thr != 1 {
		t.Errorf("the adaptive rate was told of %d answers and %d 429s, want 2 (the 200s) and 1; never the 5xx", ok, thr)
	}
}

// grantAll is a tokenSource with tokens for everyone.
type grantAll struct{}

func (grantAll) take(_ context.Context, n int, _ float64) (int, time.Duration, error) {
	return n, 0, nil
}

// countingRate is a rateSource that keeps what it is told.
type countingRate struct{ ok, throttled atomic.Int64 }

func (r *countingRate) report(_ context.Context, ok, throttled int) (State, error) {
	r.ok.Add(int64(ok))
	r.throttled.Add(int64(throttled))
	return State{Rate: 1000, Ceiling: 1000}, nil
}

func TestHedgeDelayFollowsTheLatency(t *testing.T) {
	tests := []struct {
		name           string
		least, timeout time.Duration
		latency        time.Duration
		want           time.Duration
	}{
		{"a fast upstream is hedged after the least delay", time.Second, time.Minute, 5 * time.Millisecond, time.Second},
		{"a slow one after 3× its 95th percentile", time.Second, time.Minute, 2 * time.Second, 6 * time.Second},
		{"never later than half the timeout", time.Second, 8 * time.Second, 2 * time.Second, 4 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHedger(tt.least, tt.timeout)
			for range hedgeSamples {
				h.observe(tt.latency)
			}
			if got := h.delayNow(); got != tt.want {
				t.Errorf("got hedge delay %v, want %v", got, tt.want)
			}
		})
	}
	h := newHedger(time.Second, time.Minute)
	hedged := 0
	for range 1000 {
		h.delayNow()
		if h.take() {
			hedged++
		}
	}
	if hedged > 1000/10+hedgeBurst {
		t.Errorf("got %d of 1000 requests hedged, want at most a tenth (and the reserve of %d)", hedged, hedgeBurst)
	}
}
