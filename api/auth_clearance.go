package api

import (
	"context"
	"strings"
	"sync"
	"time"
)

// clearedThrottle is an AuthThrottle that remembers, for up to maxAge, the
// keys found not blocked, so that a client polling the API does not cost a
// Redis read per request. Any failure this process counts forgets every
// clearance at once; a failure counted by another serve process is seen
// within maxAge, so a guesser spread over several processes gets at most
// maxAge of extra attempts past the limit, and is blocked all the same.
type clearedThrottle struct {
	AuthThrottle
	maxAge time.Duration
	now    func() time.Time

	mu      sync.Mutex
	cleared map[string]time.Time
}

// maxClearances bounds the keys remembered; past it they are all
// forgotten (a busy server reads Redis again for a second).
const maxClearances = 4096

// CachedThrottle returns t remembering clearances for maxAge (see
// clearedThrottle); maxAge 0 returns t itself.
func CachedThrottle(t AuthThrottle, maxAge time.Duration) AuthThrottle {
	if t == nil || maxAge <= 0 {
		return t
	}
	return &clearedThrottle{AuthThrottle: t, maxAge: maxAge, now: time.Now, cleared: map[string]time.Time{}}
}

func (c *clearedThrottle) Blocked(ctx context.Context, keys ...string) (time.Duration, error) {
	k := strings.Join(keys, "\x00")
	c.mu.Lock()
	at, ok := c.cleared[k]
	c.mu.Unlock()
	if ok && c.now().Sub(at) < c.maxAge {
		return 0, nil
	}
	asked := c.now()
	wait, err := c.AuthThrottle.Blocked(ctx, keys...)
	if err != nil || wait > 0 {
		return wait, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.cleared) >= maxClearances {
		clear(c.cleared)
	}
	c.cleared[k] = asked
	return 0, nil
}

func (c *clearedThrottle) Failed(ctx context.Context, keys ...string) (time.Duration, error) {
	c.mu.Lock()
	clear(c.cleared)
	c.mu.Unlock()
	return c.AuthThrottle.Failed(ctx, keys...)
}
