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

// Final returns the Outcome of a final answer: a result of status and
// code, not retryable.
func Final(status bulkverify.Status, code bulkverify.Code) Outcome {
	return Outcome{Status: status, Code: code}
}

// The outcomes more than one provider's Classify gives.
var (
	// TryAgain is a transient answer: the row is asked again later.
	TryAgain = Outcome{Transient: true}
	// TokenInvalid is a refusal of the credentials or token.
	TokenInvalid = Final(bulkverify.StatusFailed, bulkverify.CodeTokenInvalid)
	// InvalidRow is a refusal of the row's values.
	InvalidRow = Final(bulkverify.StatusFailed, bulkverify.CodeInvalidRow)
	// Rejected is a refusal that asking again cannot mend.
	Rejected = Final(bulkverify.StatusFailed, bulkverify.CodeUpstreamRejected)
	// DocumentNotFound is an answer that the document is not there.
	DocumentNotFound = Final(bulkverify.StatusNotVerified, bulkverify.CodeDocumentNotFound)
)

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
