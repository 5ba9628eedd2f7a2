package storage

import (
	"context"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

// TenantLimiter bounds each tenant's API requests with a GCRA bucket in
// Redis, shared by every serve process.
type TenantLimiter struct {
	lim   *redis_rate.Limiter
	limit redis_rate.Limit
}

// NewTenantLimiter allows rate requests/s per tenant with bursts of burst.
func NewTenantLimiter(rdb redis.UniversalClient, rate float64, burst int) *TenantLimiter {
	period := time.Second
	r := int(rate)
	if rate < 1 {
		// Fractions of a request per second: one request per period.
		period, r = time.Duration(float64(time.Second)/rate), 1
	}
	return &TenantLimiter{lim: redis_rate.NewLimiter(rdb), limit: redis_rate.Limit{Rate: r, Burst: max(burst, 1), Period: period}}
}

// Allow takes one request of tenant's allowance.
func (l *TenantLimiter) Allow(ctx context.Context, tenant string) (bool, time.Duration, error) {
	res, err := l.lim.Allow(ctx, KeyPrefix+"apirate:"+tenant, l.limit)
	if err != nil {
		return true, 0, err
	}
	return res.Allowed > 0, res.RetryAfter, nil
}
