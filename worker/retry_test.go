package worker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/bulkverify/bulkverify"
)

// draws is how many times a test asks for a jittered delay: every draw
// must lie within the bounds.
const draws = 200

// checkDelays fails t unless every delay of draws lies in [lo, hi], and,
// when the range is not a single value, unless the delays vary (jitter).
func checkDelays(t *testing.T, delay func() time.Duration, lo, hi time.Duration) {
	t.Helper()
	seen := map[time.Duration]bool{}
	for range draws {
		d := delay()
		if d < lo || d > hi {
			t.Fatalf("got %v, want from %v to %v", d, lo, hi)
		}
		seen[d] = true
	}
	if lo < hi && len(seen) < 2 {
		t.Errorf("got %d distinct delays in %d draws, want jitter", len(seen), draws)
	}
}

func throttle(wait time.Duration) error {
	return &bulkverify.UpstreamError{Provider: "digilocker", Op: "test", StatusCode: http.StatusTooManyRequests, Wait: wait}
}

func unavailable(wait time.Duration) error {
	return &bulkverify.UpstreamError{Provider: "digilocker", Op: "test", StatusCode: http.StatusBadGateway, Wait: wait}
}

func TestBackoffDelay(t *testing.T) {
	t.Parallel()
	b := Backoff{Base: 100 * time.Millisecond, Max: 10 * time.Second}
	tests := []struct {
		name   string
		n      int
		err    error
		lo, hi time.Duration
	}{
		{"the first delay is half the base to the base", 1, unavailable(0), 50 * time.Millisecond, 100 * time.Millisecond},
		{"each failure doubles it", 3, unavailable(0), 200 * time.Millisecond, 400 * time.Millisecond},
		{"a transport error backs off the same", 2, io.ErrUnexpectedEOF, 100 * time.Millisecond, 200 * time.Millisecond},
		{"a delay stops at the cap", 9, unavailable(0), 5 * time.Second, 10 * time.Second},
		{"a delay stays at the cap however many failures", 1000, unavailable(0), 5 * time.Second, 10 * time.Second},
		{"the upstream's Retry-After is waited exactly", 5, throttle(3 * time.Second), 3 * time.Second, 3 * time.Second},
		{"a Retry-After longer than the cap is cut to it", 1, throttle(time.Hour), 10 * time.Second, 10 * time.Second},
		{"a wrapped Retry-After is honoured", 1, fmt.Errorf("verify row 4: %w", throttle(2*time.Second)), 2 * time.Second, 2 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkDelays(t, func() time.Duration { return b.Delay(tt.n, tt.err) }, tt.lo, tt.hi)
		})
	}
	capped := b
	capped.ErrorMax = 2 * time.Second
	t.Run("ErrorMax caps the delays of errors", func(t *testing.T) {
		checkDelays(t, func() time.Duration { return capped.Delay(9, unavailable(0)) }, time.Second, 2*time.Second)
	})
	t.Run("but not a Retry-After", func(t *testing.T) {
		checkDelays(t, func() time.Duration { return capped.Delay(1, throttle(5*time.Second)) }, 5*time.Second, 5*time.Second)
	})
}

func TestRetryDelay(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		n      int
		err    error
		lo, hi time.Duration
	}{
		{"the first retry comes within a second", 0, io.ErrUnexpectedEOF, 500 * time.Millisecond, time.Second},
		{"the fourth within 8 s", 3, io.ErrUnexpectedEOF, 4 * time.Second, 8 * time.Second},
		{"the ninth still doubles, below the cap", 8, io.ErrUnexpectedEOF, 128 * time.Second, 256 * time.Second},
		{"the tenth reaches the cap of 5 minutes", 9, io.ErrUnexpectedEOF, 150 * time.Second, 5 * time.Minute},
		{"later ones wait at most 5 minutes", 20, io.ErrUnexpectedEOF, 150 * time.Second, 5 * time.Minute},
		{"a retry past a shift of 63 bits still waits at most 5 minutes", 100, io.ErrUnexpectedEOF, 150 * time.Second, 5 * time.Minute},
		// A hand-back's jitter is up to a quarter of its delay, plus 1 ms.
		{"a hand-back for throttling waits what it asks, plus up to a quarter", 3, &RateLimitError{RetryIn: 10 * time.Second}, 10 * time.Second, 12501 * time.Millisecond},
		{"a wrapped hand-back is one too", 0, fmt.Errorf("chunk 3: %w", &RateLimitError{RetryIn: 4 * time.Second}), 4 * time.Second, 5001 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkDelays(t, func() time.Duration { return RetryDelay(tt.n, tt.err, nil) }, tt.lo, tt.hi)
		})
	}
}

// scripted is a Verifier that answers with errs in turn (nil verifies the
// row) and counts its calls.
type scripted struct {
	errs  []error
	calls int
}

func (s *scripted) Verify(_ context.Context, row bulkverify.Row) (bulkverify.Result, error) {
	s.calls++
	if s.calls > len(s.errs) {
		return bulkverify.Result{}, fmt.Errorf("verifier called %d times, scripted for %d", s.calls, len(s.errs))
	}
	if err := s.errs[s.calls-1]; err != nil {
		return bulkverify.Result{}, err
	}
	return bulkverify.Verified(row, "ok"), nil
}

func TestRowRunVerify(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	type want struct {
		status    bulkverify.Status
		code      bulkverify.Code
		message   string // a part of it
		attempts  int
		rateLimit time.Duration // a *RateLimitError with this RetryIn
		err       error
		waits     []time.Duration
		errors    int // the retries counted as errors
		throttled int // and as throttled
	}
	tests := []struct {
		name    string
		answers []error
		final   bool
		cut     bool // the context ends during the first wait
		want    want
	}{
		{"a row verified at once waits for nothing",
			[]error{nil}, false, false,
			want{status: bulkverify.StatusVerified, code: bulkverify.CodeOK, attempts: 1}},
		{"an unavailable upstream is retried after its Retry-After",
			[]error{unavailable(time.Second), unavailable(2 * time.Second), nil}, false, false,
			want{status: bulkverify.StatusVerified, code: bulkverify.CodeOK, attempts: 3, waits: []time.Duration{time.Second, 2 * time.Second}, errors: 2}},
		{"a row unavailable on every attempt fails retryable after the last",
			[]error{unavailable(time.Second), unavailable(time.Second), unavailable(time.Second)}, false, false,
			want{status: bulkverify.StatusFailed, code: bulkverify.CodeUpstreamUnavailable, message: "upstream unavailable after 3 attempts", attempts: 3, waits: []time.Duration{time.Second, time.Second}, errors: 2}},
		{"a 429 does not use up the attempts",
			[]error{throttle(time.Second), unavailable(time.Second), unavailable(time.Second), nil}, false, false,
			want{status: bulkverify.StatusVerified, code: bulkverify.CodeOK, attempts: 4, waits: []time.Duration{time.Second, time.Second, time.Second}, errors: 2, throttled: 1}},
		{"a row throttled too often hands its chunk back with the upstream's delay",
			[]error{throttle(time.Second), throttle(4 * time.Second)}, false, false,
			want{rateLimit: 4 * time.Second, waits: []time.Duration{time.Second}, throttled: 1}},
		{"on the chunk's last delivery a throttled row fails instead",
			[]error{throttle(time.Second), throttle(time.Second)}, true, false,
			want{status: bulkverify.StatusFailed, code: bulkverify.CodeUpstreamUnavailable, message: "lower BV_DIGILOCKER_RATE", attempts: 2, waits: []time.Duration{time.Second}, throttled: 1}},
		{"a context that ends during a wait ends the row with its error",
			[]error{unavailable(time.Second), nil}, false, true,
			want{err: context.Canceled, waits: []time.Duration{time.Second}, errors: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v := &scripted{errs: tt.answers}
			var waits []time.Duration
			m := NewMetrics(prometheus.NewRegistry())
			r := rowRun{
				provider: "digilocker", verifier: v, now: func() time.Time { return now }, metrics: m, final: tt.final,
				backoff: Backoff{MaxAttempts: 3, MaxThrottled: 2, Base: time.Second, Max: time.Minute},
				wait: func(ctx context.Context, d time.Duration) error {
					waits = append(waits, d)
					if tt.cut {
						return context.Canceled
					}
					return nil
				},
			}
			row := bulkverify.Row{Number: 7, Fields: map[string]string{"reference_id": "ref-7"}}
			res, err := r.verify(context.Background(), row)

			var rle *RateLimitError
			switch {
			case tt.want.rateLimit > 0:
				if !errors.As(err, &rle) || rle.RetryIn != tt.want.rateLimit || rle.Provider != "digilocker" {
					t.Errorf("got %v, want a *RateLimitError to retry digilocker in %v", err, tt.want.rateLimit)
				}
			case tt.want.err != nil:
				if !errors.Is(err, tt.want.err) {
					t.Errorf("got error %v, want %v", err, tt.want.err)
				}
			case err != nil:
				t.Fatalf("got error %v, want a result", err)
			default:
				if res.Status != tt.want.status || res.Code != tt.want.code || !strings.Contains(res.Message, tt.want.message) {
					t.Errorf("got %s/%s %q, want %s/%s saying %q", res.Status, res.Code, res.Message, tt.want.status, tt.want.code, tt.want.message)
				}
				if res.Attempts != tt.want.attempts {
					t.Errorf("got %d attempts, want %d", res.Attempts, tt.want.attempts)
				}
				if res.RowNumber != 7 || res.ReferenceID != "ref-7" || res.VerifiedAt != "2026-03-01T12:00:00Z" {
					t.Errorf("got row %d, reference %q, verified at %q; want 7, ref-7, 2026-03-01T12:00:00Z", res.RowNumber, res.ReferenceID, res.VerifiedAt)
				}
				if retryable := res.Status == bulkverify.StatusFailed; res.Retryable != retryable {
					t.Errorf("got retryable %v, want %v", res.Retryable, retryable)
				}
			}
			if fmt.Sprint(waits) != fmt.Sprint(tt.want.waits) {
				t.Errorf("waited %v, want %v", waits, tt.want.waits)
			}
			calls := len(tt.want.waits) + 1 // once, and once after each wait
			if tt.cut {
				calls-- // but not after the wait cut short
			}
			if v.calls != calls {
				t.Errorf("verifier called %d times, want %d", v.calls, calls)
			}
			if got := testutil.ToFloat64(m.Retries.WithLabelValues("digilocker", "error")); got != float64(tt.want.errors) {
				t.Errorf("got %v retries counted as errors, want %d", got, tt.want.errors)
			}
			if got := testutil.ToFloat64(m.Retries.WithLabelValues("digilocker", "throttled")); got != float64(tt.want.throttled) {
				t.Errorf("got %v retries counted as throttled, want %d", got, tt.want.throttled)
			}
			var total time.Duration
			for _, d := range tt.want.waits {
				total += d
			}
			if got := testutil.ToFloat64(m.Backoff.WithLabelValues("digilocker")); got != total.Seconds() {
				t.Errorf("got %v s of backoff counted, want %v", got, total.Seconds())
			}
		})
	}
}

// Without a wait of its own a row waits on a timer, which its context
// cuts short.
func TestRowRunPauseEndsWithItsContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := rowRun{}
	if err := r.pause(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v after an hour's pause in an ended context, want context.Canceled at once", err)
	}
	if err := r.pause(context.Background(), 0); err != nil {
		t.Errorf("got %v from a pause of 0, want nil", err)
	}
}

// The rows of a chunk share a budget of retries for errors: a row fails
// once the budget is spent, even before MaxAttempts, so that an upstream
// that is down does not cost every row all its backoffs.
func TestRowRetriesDrawOnTheChunksBudget(t *testing.T) {
	t.Parallel()
	budget := newRetryBudget(1)
	run := func(answers ...error) (bulkverify.Result, *scripted) {
		v := &scripted{errs: answers}
		r := rowRun{
			provider: "digilocker", verifier: v, now: time.Now, metrics: NewMetrics(prometheus.NewRegistry()), budget: budget,
			backoff: Backoff{MaxAttempts: 3, MaxThrottled: 2, Base: time.Second, Max: time.Minute},
			wait:    func(context.Context, time.Duration) error { return nil },
		}
		res, err := r.verify(context.Background(), bulkverify.Row{Number: 1})
		if err != nil {
			t.Fatal(err)
		}
		return res, v
	}
	if res, v := run(unavailable(0), nil); res.Status != bulkverify.StatusVerified || v.calls != 2 {
		t.Fatalf("first row: %s after %d calls, want VERIFIED on its retry", res.Status, v.calls)
	}
	res, v := run(unavailable(0), nil)
	if res.Status != bulkverify.StatusFailed || res.Code != bulkverify.CodeUpstreamUnavailable || v.calls != 1 {
		t.Errorf("second row: %s/%s after %d calls, want UPSTREAM_UNAVAILABLE after 1: the chunk's one retry is spent", res.Status, res.Code, v.calls)
	}
}
