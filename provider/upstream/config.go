package upstream

import (
	"net/http"
	"strings"
	"time"
)

// BaseURL returns raw without surrounding spaces and trailing slashes, so
// that paths can be appended to it.
func BaseURL(raw string) string {
	return strings.TrimRight(strings.TrimSpace(raw), "/")
}

// HTTPClient returns hc, or a client with timeout when hc is nil.
func HTTPClient(hc *http.Client, timeout time.Duration) *http.Client {
	if hc == nil {
		return &http.Client{Timeout: timeout}
	}
	return hc
}

// Clock returns now, or time.Now when now is nil.
func Clock(now func() time.Time) func() time.Time {
	if now == nil {
		return time.Now
	}
	return now
}
