// Package upstream holds what the provider clients share: the Endpoint of
// their Config and the Conn they send requests with, Retry-After parsing,
// reading and closing answers, clipping and redacting upstream text, the
// checks every Verify makes first, and the outcome of an error answer.
package upstream

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// MaxRetryAfter bounds the delay ParseRetryAfter returns.
const MaxRetryAfter = 24 * time.Hour

// ParseRetryAfter returns the delay a Retry-After header value asks for at
// now: a number of seconds or an HTTP date, at most MaxRetryAfter. An empty,
// unreadable or past value gives 0.
func ParseRetryAfter(value string, now time.Time) time.Duration {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0
	}
	var d time.Duration
	if s, err := strconv.ParseInt(value, 10, 64); err == nil {
		d = time.Duration(min(s, int64(MaxRetryAfter/time.Second))) * time.Second
	} else if t, err := http.ParseTime(value); err == nil {
		d = t.Sub(now)
	}
	return min(max(d, 0), MaxRetryAfter)
}
