package simulation

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

var okHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(http.StatusNoContent)
})

// do sends n requests through h, one after another, and returns the
// statuses in order.
func do(h http.Handler, n int) []int {
	statuses := make([]int, n)
	for i := range statuses {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/x", nil))
		statuses[i] = rec.Code
	}
	return statuses
}

func countStatus(statuses []int, status int) int {
	n := 0
	for _, s := range statuses {
		if s == status {
			n++
		}
	}
	return n
}

func TestZeroFaultsPassEveryRequestThrough(t *testing.T) {
	var f Faults
	statuses := do(f.Wrap(okHandler), 20)
	if got := countStatus(statuses, http.StatusNoContent); got != 20 {
		t.Errorf("got %d answers 204, want 20", got)
	}
	if got, want := f.Stats(), (Stats{Requests: 20, OK: 20}); got != want {
		t.Errorf("got stats %+v, want %+v", got, want)
	}
}

func TestInjectedShares(t *testing.T) {
	const n = 5000
	tests := []struct {
		name                string
		errorRate, tooMany  float64
		errorStatus, status int
	}{
		{"a tenth of requests answer 500", 0.1, 0, 0, http.StatusInternalServerError},
		{"a third of requests answer 503 when ErrorStatus is 503", 0.33, 0, http.StatusServiceUnavailable, http.StatusServiceUnavailable},
		{"a fifth of requests answer 429", 0, 0.2, 0, http.StatusTooManyRequests},
		{"every request answers 500 at rate 1", 1, 0, 0, http.StatusInternalServerError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Faults{ErrorRate: tt.errorRate, TooManyRate: tt.tooMany, ErrorStatus: tt.errorStatus, Seed: 42}
			statuses := do(f.Wrap(okHandler), n)
			want := tt.errorRate + tt.tooMany
			got := float64(countStatus(statuses, tt.status)) / n
			// Four standard deviations of a binomial share over n requests.
			tol := 4 * math.Sqrt(want*(1-want)/n)
			if math.Abs(got-want) > tol {
				t.Errorf("got share %.4f of status %d, want %.4f ± %.4f", got, tt.status, want, tol)
			}
			if ok := countStatus(statuses, http.StatusNoContent); ok+countStatus(statuses, tt.status) != n {
				t.Errorf("got %d answers that are neither 204 nor %d, want 0", n-ok-countStatus(statuses, tt.status), tt.status)
			}
		})
	}
}

func TestSeedFixesTheSequence(t *testing.T) {
	run := func(seed int64) string {
		f := Faults{ErrorRate: 0.3, TooManyRate: 0.2, Seed: seed}
		return fmt.Sprint(do(f.Wrap(okHandler), 200))
	}
	if a, b := run(7), run(7); a != b {
		t.Errorf("got different sequences for seed 7, want the same:\n%s\n%s", a, b)
	}
	if a, b := run(7), run(8); a == b {
		t.Errorf("got the same sequence for seeds 7 and 8, want different ones")
	}
}

func TestInjectedTooManyUsesErrorBodyAndRetryAfter(t *testing.T) {
	tests := []struct {
		name       string
		retryAfter time.Duration
		want       string
	}{
		{"an injected 429 says Retry-After 1 by default", 0, "1"},
		{"an injected 429 says the configured Retry-After", 2500 * time.Millisecond, "3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Faults{TooManyRate: 1, RetryAfter: tt.retryAfter, ErrorBody: func(w http.ResponseWriter, status int) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(status)
				fmt.Fprintf(w, `{"error":"status %d"}`, status)
			}}
			rec := httptest.NewRecorder()
			f.Wrap(okHandler).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
			if rec.Code != http.StatusTooManyRequests {
				t.Fatalf("got status %d, want 429", rec.Code)
			}
			if got := rec.Header().Get("Retry-After"); got != tt.want {
				t.Errorf("got Retry-After %q, want %q", got, tt.want)
			}
			if got, want := rec.Body.String(), `{"error":"status 429"}`; got != want {
				t.Errorf("got body %s, want %s", got, want)
			}
		})
	}
}

func TestOwnRateLimit(t *testing.T) {
	now := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	f := Faults{RateLimit: 2, Burst: 2, Now: func() time.Time { return now }}
	h := f.Wrap(okHandler)
	steps := []struct {
		name       string
		advance    time.Duration
		status     int
		retryAfter string
	}{
		{"the first request of the burst passes", 0, http.StatusNoContent, ""},
		{"the second request of the burst passes", 0, http.StatusNoContent, ""},
		{"a third request at the same instant is throttled", 0, http.StatusTooManyRequests, "1"},
		{"half a second later one token is back", 500 * time.Millisecond, http.StatusNoContent, ""},
		{"a request right after it is throttled again", 0, http.StatusTooManyRequests, "1"},
		{"ten seconds later the bucket is full again", 10 * time.Second, http.StatusNoContent, ""},
		{"and holds no more than the burst", 0, http.StatusNoContent, ""},
		{"so the next is throttled", 0, http.StatusTooManyRequests, "1"},
	}
	for _, s := range steps {
		now = now.Add(s.advance)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
		if rec.Code != s.status {
			t.Errorf("%s: got status %d, want %d", s.name, rec.Code, s.status)
		}
		if got := rec.Header().Get("Retry-After"); got != s.retryAfter {
			t.Errorf("%s: got Retry-After %q, want %q", s.name, got, s.retryAfter)
		}
	}
	if got, want := f.Stats(), (Stats{Requests: 8, OK: 5, Throttled: 3}); got != want {
		t.Errorf("got stats %+v, want %+v", got, want)
	}
}

func TestOwnRateLimitRetryAfterCoversTheWait(t *testing.T) {
	now := time.Unix(0, 0)
	f := Faults{RateLimit: 0.25, Now: func() time.Time { return now }} // one request every 4s
	h := f.Wrap(okHandler)
	statuses := do(h, 1)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if statuses[0] != http.StatusNoContent || rec.Code != http.StatusTooManyRequests {
		t.Fatalf("got statuses %d then %d, want 204 then 429", statuses[0], rec.Code)
	}
	if got := rec.Header().Get("Retry-After"); got != "4" {
		t.Errorf("got Retry-After %q, want %q", got, "4")
	}
}

func TestLatency(t *testing.T) {
	t.Run("a request is delayed by the latency", func(t *testing.T) {
		f := Faults{Latency: 30 * time.Millisecond}
		start := time.Now()
		do(f.Wrap(okHandler), 1)
		if got := time.Since(start); got < f.Latency {
			t.Errorf("got the answer after %v, want at least %v", got, f.Latency)
		}
	})
	t.Run("a request whose client has gone is dropped without waiting", func(t *testing.T) {
		f := Faults{Latency: time.Hour}
		called := false
		h := f.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { called = true }))
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		done := make(chan struct{})
		go func() {
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil).WithContext(ctx))
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("got no return after 5s, want an immediate return")
		}
		if called {
			t.Error("got the next handler called, want it skipped")
		}
		if got, want := f.Stats(), (Stats{Requests: 1}); got != want {
			t.Errorf("got stats %+v, want %+v", got, want)
		}
	})
}

func TestStatsCountEveryAnswerClass(t *testing.T) {
	var f Faults
	h := f.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok":
			w.Write([]byte("fine"))
		case "/bad":
			w.WriteHeader(http.StatusBadRequest)
		case "/slow":
			w.WriteHeader(http.StatusTooManyRequests)
		default:
			w.WriteHeader(http.StatusBadGateway)
		}
	}))
	var wg sync.WaitGroup
	for range 25 {
		for _, p := range []string{"/ok", "/ok", "/bad", "/slow", "/down"} {
			wg.Go(func() {
				h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, p, nil))
			})
		}
	}
	wg.Wait()
	if got, want := f.Stats(), (Stats{Requests: 125, OK: 50, Rejected: 25, Throttled: 25, Errors: 25}); got != want {
		t.Errorf("got stats %+v, want %+v", got, want)
	}
}

// A client that gives up on a POST during the injected latency frees the
// server at once: the body is read first, so net/http sees the hang-up.
func TestLatencyEndsWhenAPOSTClientGivesUp(t *testing.T) {
	f := &Faults{Latency: time.Minute}
	srv := httptest.NewServer(f.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})))
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL, strings.NewReader("grant_type=client_credentials"))
	if _, err := http.DefaultClient.Do(req); err == nil {
		t.Fatal("got an answer within the injected minute")
	}
	closed := make(chan struct{})
	go func() { srv.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("the server still holds the abandoned request 5 s later")
	}
}

// An answer picked for truncation arrives with its status and the whole
// body's Content-Length, then breaks off: reading it fails.
func TestTruncatedAnswerBreaksOff(t *testing.T) {
	f := &Faults{TruncateRate: 1}
	const body = `{"error":"invalid_token","error_description":"The access token is invalid"}`
	srv := httptest.NewServer(f.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(body))
	})))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || resp.ContentLength != int64(len(body)) {
		t.Errorf("got status %d, Content-Length %d; want 401 and %d", resp.StatusCode, resp.ContentLength, len(body))
	}
	got, err := io.ReadAll(resp.Body)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("reading the body: got error %v, want io.ErrUnexpectedEOF", err)
	}
	if want := body[:len(body)/2]; string(got) != want {
		t.Errorf("got body %q, want its first half %q", got, want)
	}
	if got, want := f.Stats(), (Stats{Requests: 1, Rejected: 1, Truncated: 1}); got != want {
		t.Errorf("got stats %+v, want %+v", got, want)
	}
}

// A request picked to hang gets no answer until its client gives up, and
// then frees the server.
func TestHungRequestIsHeldUntilTheClientGivesUp(t *testing.T) {
	f := &Faults{HangRate: 1}
	called := false
	srv := httptest.NewServer(f.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { called = true })))
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("got an answer %d from a hung request", resp.StatusCode)
	}
	closed := make(chan struct{})
	go func() { srv.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("the server still holds the abandoned request 5 s later")
	}
	if called {
		t.Error("got the next handler called, want it skipped")
	}
	if got, want := f.Stats(), (Stats{Requests: 1, Hung: 1}); got != want {
		t.Errorf("got stats %+v, want %+v", got, want)
	}
}
