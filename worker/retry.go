package worker

import (
	"context"
	"errors"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/bulkverify/bulkverify"
)

// Backoff is the row-level retry policy for transient upstream errors.
type Backoff struct {
	MaxAttempts int
	Base        time.Duration // first delay
	Max         time.Duration // cap on one delay
}

// Delay returns how long to wait before attempt n+1 after attempt n failed
// with err: the upstream's Retry-After when it gave one, else exponential
// with full jitter.
func (b Backoff) Delay(n int, err error) time.Duration {
	var ra interface{ RetryAfter() time.Duration }
	if errors.As(err, &ra) && ra.RetryAfter() > 0 {
		return min(ra.RetryAfter(), b.Max)
	}
	d := b.Base << min(n-1, 20)
	if d <= 0 || d > b.Max {
		d = b.Max
	}
	return d/2 + rand.N(d/2+1)
}

// verifyRow verifies row, retrying transient errors up to MaxAttempts. It
// always returns a Result; when ctx ends first it returns ctx's error so the
// chunk can be delivered again.
func verifyRow(ctx context.Context, v bulkverify.Verifier, row bulkverify.Row, b Backoff, now func() time.Time) (bulkverify.Result, error) {
	var lastErr error
	for attempt := 1; ; attempt++ {
		res, err := v.Verify(ctx, row)
		if err == nil {
			res.RowNumber, res.ReferenceID, res.Attempts = row.Number, row.ReferenceID(), attempt
			if res.VerifiedAt == "" {
				res.VerifiedAt = now().UTC().Format(time.RFC3339)
			}
			return res, nil
		}
		if ctx.Err() != nil {
			return bulkverify.Result{}, ctx.Err()
		}
		lastErr = err
		if attempt >= b.MaxAttempts {
			break
		}
		t := time.NewTimer(b.Delay(attempt, err))
		select {
		case <-ctx.Done():
			t.Stop()
			return bulkverify.Result{}, ctx.Err()
		case <-t.C:
		}
	}
	res := bulkverify.Failed(row, bulkverify.CodeUpstreamUnavailable,
		"upstream unavailable after "+strconv.Itoa(b.MaxAttempts)+" attempts ("+lastErr.Error()+"); submit the row again later", true)
	res.Attempts = b.MaxAttempts
	res.VerifiedAt = now().UTC().Format(time.RFC3339)
	return res, nil
}
