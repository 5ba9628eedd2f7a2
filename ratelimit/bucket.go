package ratelimit

import (
	"context"
	"fmt"
	"time"

	"github.com/go-redis/redis_rate/v10"
)

// tokenSource grants tokens of a global limit.
type tokenSource interface {
	// take asks for n tokens at rate requests/s; it returns how many it
	// granted (all or none) and, when none, how long until one is free.
	take(ctx context.Context, n int, rate float64) (granted int, retryIn time.Duration, err error)
}

// gcraBucket is the global limit of one provider: a GCRA bucket in Redis
// (redis_rate, on Redis's clock, so worker clocks don't matter).
type gcraBucket struct {
	gcra  *redis_rate.Limiter
	key   string
	burst int
}

var _ tokenSource = (*gcraBucket)(nil)

// limit is the redis_rate Limit for rate requests/s: an emission interval
// of 1/rate seconds, expressed in whole requests per period. The script
// works in float seconds since 2017, which loses a few tens of nanoseconds:
// a burst of exactly b would then grant only b-1 at once (and a burst of 1
// nothing ever), so it is given a spare token's room.
func (b *gcraBucket) limit(rate float64) redis_rate.Limit {
	return redis_rate.Limit{Rate: 1000, Period: time.Duration(float64(time.Second) * 1000 / rate), Burst: b.burst + 1}
}

// take asks for whole tokens only (AllowAtMost would spend fractions of a
// token it does not grant): n, up to the burst, in one call when the
// bucket has them, else one.
func (b *gcraBucket) take(ctx context.Context, n int, rate float64) (int, time.Duration, error) {
	n = max(1, min(n, b.burst))
	lim := b.limit(rate)
	res, err := b.gcra.AllowN(ctx, b.key, lim, n)
	if err == nil && res.Allowed == 0 && n > 1 {
		res, err = b.gcra.AllowN(ctx, b.key, lim, 1)
	}
	if err != nil {
		return 0, 0, fmt.Errorf("take a token of %s: %w", b.key, err)
	}
	return res.Allowed, res.RetryAfter, nil
}
