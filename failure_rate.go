package bulkverify

import "fmt"

// FailureRateFloor is how many rows a batch must have processed before its
// MaxFailureRate can stop it: below it, a few early failures say little.
const FailureRateFloor = 100

// AbortReason is the failure_reason of a batch its MaxFailureRate stopped:
// the share of FAILED rows among those processed and the commonest code.
// It is "" for a batch without a threshold.
func AbortReason(b Batch) string {
	if b.MaxFailureRate == nil {
		return ""
	}
	top, n := b.CommonestCode()
	processed := b.Verified + b.NotVerified + b.Failed
	rate := 0.0
	if processed > 0 {
		rate = float64(b.Failed) / float64(processed)
	}
	return fmt.Sprintf("%.1f%% of the first %d processed rows FAILED, above max_failure_rate %g; commonest code %s (%d rows): fix the file and submit it again",
		rate*100, processed, *b.MaxFailureRate, top, n)
}

// CommonestCode returns the result code most rows of b got and how many;
// a tie goes to the code first in alphabetical order.
func (b Batch) CommonestCode() (Code, int) {
	var top Code
	n := 0
	for c, k := range b.Codes {
		if k > n || (k == n && c < top) {
			top, n = c, k
		}
	}
	return top, n
}
