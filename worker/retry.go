package worker

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/hibiken/asynq"

	"github.com/bulkverify/bulkverify"
)

// Backoff is the row-level retry policy for transient upstream errors.
type Backoff struct {
	// MaxAttempts bounds the attempts of a row that end in an error other
	// than a 429 (5xx, timeouts); then the row is UPSTREAM_UNAVAILABLE.
	MaxAttempts int
	// MaxThrottled bounds the 429s one row may meet in one delivery of its
	// chunk; then the chunk is handed back to the queue (RateLimitError).
	MaxThrottled int
	Base         time.Duration // first delay
	Max          time.Duration // cap on one delay
	// ErrorMax, when above 0, caps the delays that no Retry-After set
	// (5xx, timeouts) below Max: a row that keeps failing makes up to
	// MaxAttempts attempts, and its chunk waits for it.
	ErrorMax time.Duration
}

// Delay returns how long to wait before retrying after the n-th failure
// err: the upstream's Retry-After when it gave one, else exponential with
// full jitter.
func (b Backoff) Delay(n int, err error) time.Duration {
	if ra := retryAfter(err); ra > 0 {
		return min(ra, b.Max)
	}
	limit := b.Max
	if b.ErrorMax > 0 {
		limit = min(limit, b.ErrorMax)
	}
	d := b.Base << min(n-1, 20)
	if d <= 0 || d > limit {
		d = limit
	}
	return d/2 + rand.N(d/2+1)
}

func retryAfter(err error) time.Duration {
	var ra interface{ RetryAfter() time.Duration }
	if errors.As(err, &ra) {
		return ra.RetryAfter()
	}
	return 0
}

func isThrottle(err error) bool {
	var ue *bulkverify.UpstreamError
	return errors.As(err, &ue) && ue.StatusCode == http.StatusTooManyRequests
}

// RateLimitError hands a chunk back to the queue because its provider kept
// answering 429: the chunk's finished rows are saved, the rest wait RetryIn
// without holding a worker. asynq does not count it as a failure (see
// IsFailure), so the worker caps hand-backs itself.
type RateLimitError struct {
	Provider string
	RetryIn  time.Duration
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("%s keeps throttling: retry the chunk in %v", e.Provider, e.RetryIn)
}

// IsFailure is asynq's Config.IsFailure: a hand-back for rate limiting
// (RateLimitError, YieldError) is not a failure and does not use up the
// task's retries.
func IsFailure(err error) bool {
	var rle *RateLimitError
	var ye *YieldError
	return !errors.As(err, &rle) && !errors.As(err, &ye)
}

// Task retry delays (a worker crash, S3 or Redis down): the first retries
// come fast, so that a short outage costs seconds, not asynq's default 15
// to 45 s; then the delay doubles up to taskRetryMax, so that
// jobs.ChunkMaxRetry retries outlast an outage of about an hour and a half.
const (
	taskRetryBase = time.Second
	taskRetryMax  = 5 * time.Minute
)

// RetryDelay is asynq's Config.RetryDelayFunc: a RateLimitError's delay;
// none for a YieldError; else taskRetryBase doubled for each retry before
// (n), at most taskRetryMax, less up to a half of jitter.
func RetryDelay(n int, err error, t *asynq.Task) time.Duration {
	var rle *RateLimitError
	if errors.As(err, &rle) {
		return rle.RetryIn + rand.N(rle.RetryIn/4+time.Millisecond)
	}
	var ye *YieldError
	if errors.As(err, &ye) {
		return 0 // at the queue's tail as soon as asynq moves it there
	}
	d := min(taskRetryBase<<min(n, 20), taskRetryMax)
	return d - rand.N(d/2+1)
}

// rowRun verifies one row with retries.
type rowRun struct {
	provider string
	verifier bulkverify.Verifier
	backoff  Backoff
	now      func() time.Time
	metrics  *Metrics
	// wait waits d, or until ctx ends with its error; nil waits on a
	// timer. Tests set it so that they never sleep.
	wait func(ctx context.Context, d time.Duration) error
	// final is set on a chunk's last allowed delivery: a row still
	// throttled then fails instead of handing the chunk back.
	final bool
	// budget is the retries for errors left to the rows of the chunk's
	// delivery, together; nil is no limit but MaxAttempts.
	budget *retryBudget
}

// retryBudget bounds the retries for errors (5xx, timeouts, cut-off
// answers) that the rows of one chunk delivery make together. A row may
// make up to MaxAttempts attempts, enough for random faults to almost
// never cost it, but when the upstream is down every row stops early
// instead of each waiting out all its backoffs.
type retryBudget struct{ left atomic.Int64 }

// newRetryBudget returns the budget of a chunk of rows: one retry a row on
// average, several times what a 10–20% fault rate spends.
func newRetryBudget(rows int) *retryBudget {
	b := &retryBudget{}
	b.left.Store(int64(max(rows, 1)))
	return b
}

// take spends one retry, and reports false when none was left.
func (b *retryBudget) take() bool {
	return b == nil || b.left.Add(-1) >= 0
}

// verify returns the row's Result; a *RateLimitError when the row met
// MaxThrottled 429s (and this is not the final delivery); or ctx's error
// when ctx ends first.
func (r rowRun) verify(ctx context.Context, row bulkverify.Row) (bulkverify.Result, error) {
	attempts, throttled := 0, 0
	for {
		res, err := r.verifier.Verify(ctx, row)
		if err == nil {
			return r.finish(res, row, attempts+throttled+1), nil
		}
		if ctx.Err() != nil {
			return bulkverify.Result{}, ctx.Err()
		}
		var n int
		reason := "error"
		if isThrottle(err) {
			throttled++
			n, reason = throttled, "throttled"
			if throttled >= r.backoff.MaxThrottled {
				if !r.final {
					return bulkverify.Result{}, &RateLimitError{Provider: r.provider, RetryIn: r.backoff.Delay(throttled, err)}
				}
				res := bulkverify.Failed(row, bulkverify.CodeUpstreamUnavailable,
					"the provider kept answering 429 Too Many Requests ("+err.Error()+"); lower "+bulkverify.EnvPrefix(r.provider)+"RATE or submit the row again later", true)
				return r.finish(res, row, attempts+throttled), nil
			}
		} else {
			attempts++
			n = attempts
			if attempts >= r.backoff.MaxAttempts || !r.budget.take() {
				res := bulkverify.Failed(row, bulkverify.CodeUpstreamUnavailable,
					fmt.Sprintf("upstream unavailable after %d attempts (%v); submit the row again later", attempts, err), true)
				return r.finish(res, row, attempts+throttled), nil
			}
		}
		d := r.backoff.Delay(n, err)
		r.metrics.Retries.WithLabelValues(r.provider, reason).Inc()
		r.metrics.Backoff.WithLabelValues(r.provider).Add(d.Seconds())
		if err := r.pause(ctx, d); err != nil {
			return bulkverify.Result{}, err
		}
	}
}

// pause waits d, or until ctx ends with its error.
func (r rowRun) pause(ctx context.Context, d time.Duration) error {
	if r.wait != nil {
		return r.wait(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (r rowRun) finish(res bulkverify.Result, row bulkverify.Row, attempts int) bulkverify.Result {
	res.RowNumber, res.ReferenceID, res.Attempts = row.Number, row.ReferenceID(), attempts
	if res.VerifiedAt == "" {
		res.VerifiedAt = r.now().UTC().Format(time.RFC3339)
	}
	return bulkverify.Annotate(r.verifier, row, res)
}
