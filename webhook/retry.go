package webhook

import (
	"math/rand/v2"
	"time"
)

// Backoff spaces the attempts of a message: the n-th retry waits Base
// times 4^(n-1), at most Base times 1440, give or take a quarter (jitter,
// so that the messages of many batches that failed together do not come
// back together). With Base 30s and 8 attempts the retries come after
// about 30s, 2m, 8m, 32m, 2h8m, 8h32m and 12h: a day in all.
type Backoff struct {
	Base time.Duration
}

// maxFactor caps one delay at Base times 1440 (12h for a 30s Base).
const maxFactor = 1440

// Delay returns how long to wait before the retry that follows n failed
// attempts (n from 0, as asynq's RetryDelayFunc counts).
func (b Backoff) Delay(n int) time.Duration {
	factor := int64(1) << (2 * min(max(n, 0), 6)) // 4^n, up to 4096
	d := b.Base * time.Duration(min(factor, maxFactor))
	return d*3/4 + rand.N(d/2+1)
}
