package upstream

import (
	"net/http"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	tests := []struct {
		name  string
		value string
		want  time.Duration
	}{
		{"seconds are a delay", "120", 2 * time.Minute},
		{"seconds may be padded", " 5 ", 5 * time.Second},
		{"zero seconds is no delay", "0", 0},
		{"negative seconds are no delay", "-3", 0},
		{"an HTTP date is the time until it", now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{"an RFC 850 date is read too", now.Add(time.Hour).Format(time.RFC850), time.Hour},
		{"a past date is no delay", now.Add(-time.Minute).Format(http.TimeFormat), 0},
		{"an empty value is no delay", "", 0},
		{"garbage is no delay", "soon", 0},
		{"a huge number is capped", "99999999999999999", MaxRetryAfter},
		{"a far date is capped", now.Add(1000 * time.Hour).Format(http.TimeFormat), MaxRetryAfter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ParseRetryAfter(tt.value, now); got != tt.want {
				t.Errorf("ParseRetryAfter(%q) got %v, want %v", tt.value, got, tt.want)
			}
		})
	}
}
