package upstream

import "github.com/bulkverify/bulkverify"

// Outcome is what an adapter makes of an error answer.
type Outcome struct {
	// Transient means Verify returns a *bulkverify.UpstreamError, which the
	// caller retries and finally reports as UPSTREAM_UNAVAILABLE; Status,
	// Code and Retryable are then unset.
	Transient bool
	Status    bulkverify.Status
	Code      bulkverify.Code
	Retryable bool
}

// Result returns the result of row for a final o: NOT_VERIFIED or FAILED
// with o's code and msg.
func (o Outcome) Result(row bulkverify.Row, msg string) bulkverify.Result {
	if o.Status == bulkverify.StatusNotVerified {
		return bulkverify.NotVerified(row, o.Code, msg)
	}
	return bulkverify.Failed(row, o.Code, msg, o.Retryable)
}

// Deref returns *r, or the zero Result when r is nil: a step that found no
// reason to stop the row.
func Deref(r *bulkverify.Result) bulkverify.Result {
	if r == nil {
		return bulkverify.Result{}
	}
	return *r
}
