package simulation

import (
	"math"
	"time"
)

// bucket is a token bucket: it holds up to burst tokens and gains rate
// tokens a second; each request takes one. It is not safe for concurrent use.
type bucket struct {
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
}

func newBucket(rate float64, burst int) *bucket {
	if burst <= 0 {
		burst = int(math.Ceil(rate))
	}
	return &bucket{rate: rate, burst: float64(burst), tokens: float64(burst)}
}

// take takes a token at now, or returns how long until one is free.
func (b *bucket) take(now time.Time) (time.Duration, bool) {
	if !b.last.IsZero() && now.After(b.last) {
		b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	}
	if b.last.IsZero() || now.After(b.last) {
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return 0, true
	}
	return time.Duration((1 - b.tokens) / b.rate * float64(time.Second)), false
}
