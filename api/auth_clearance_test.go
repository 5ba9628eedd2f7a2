package api

import (
	"context"
	"sync"
	"testing"
	"time"
)

// countingThrottle blocks the keys in blocked and counts Blocked calls.
type countingThrottle struct {
	mu      sync.Mutex
	asked   int
	blocked map[string]bool
}

func (c *countingThrottle) Blocked(_ context.Context, keys ...string) (time.Duration, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.asked++
	for _, k := range keys {
		if c.blocked[k] {
			return time.Minute, nil
		}
	}
	return 0, nil
}

func (c *countingThrottle) Failed(_ context.Context, keys ...string) (time.Duration, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, k := range keys {
		c.blocked[k] = true // the limit is one failure
	}
	return 0, nil
}

// A clearance is remembered for maxAge; a block never is; a failure
// counted here forgets every clearance at once.
func TestClearancesAreRememberedForMaxAgeAndForgottenOnAFailure(t *testing.T) {
	t.Parallel()
	inner := &countingThrottle{blocked: map[string]bool{}}
	now := time.Unix(1_700_000_000, 0)
	c := CachedThrottle(inner, time.Second).(*clearedThrottle)
	c.now = func() time.Time { return now }
	ctx := context.Background()
	blocked := func(keys ...string) bool {
		wait, err := c.Blocked(ctx, keys...)
		if err != nil {
			t.Fatal(err)
		}
		return wait > 0
	}

	for range 5 {
		if blocked("addr:1", "client:a") {
			t.Fatal("a client with no failures is blocked")
		}
	}
	if inner.asked != 1 {
		t.Errorf("five requests within a second read the throttle %d times, want 1", inner.asked)
	}
	now = now.Add(time.Second)
	blocked("addr:1", "client:a")
	if inner.asked != 2 {
		t.Errorf("a clearance a second old was used: %d reads, want 2", inner.asked)
	}

	c.Failed(ctx, "addr:1", "client:a")
	if !blocked("addr:1", "client:a") {
		t.Error("a remembered clearance let a blocked client through after a failure counted here")
	}
	if !blocked("addr:1", "client:a") || inner.asked != 4 {
		t.Errorf("a block was remembered (%d reads, want 4): it must be read each time", inner.asked)
	}
}
