package bulkverify

import "testing"

func TestAbortReason(t *testing.T) {
	rate := 0.3
	tests := []struct {
		name string
		b    Batch
		want string
	}{
		{"a batch without a threshold has no reason", Batch{Failed: 5}, ""},
		{"a stopped batch names its rate, threshold and commonest code", Batch{
			MaxFailureRate: &rate, Verified: 60, Failed: 40,
			Codes: map[Code]int{"TOKEN_INVALID": 30, "UPSTREAM_DOWN": 10, "VERIFIED": 60},
		}, "40.0% of the first 100 processed rows FAILED, above max_failure_rate 0.3; commonest code VERIFIED (60 rows): fix the file and submit it again"},
		{"a tie goes to the first code alphabetically", Batch{
			MaxFailureRate: &rate, Failed: 4, Codes: map[Code]int{"B": 2, "A": 2},
		}, "100.0% of the first 4 processed rows FAILED, above max_failure_rate 0.3; commonest code A (2 rows): fix the file and submit it again"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := AbortReason(tt.b); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
