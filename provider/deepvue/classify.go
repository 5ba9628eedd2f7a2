package deepvue

import (
	"net/http"
	"strings"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/upstream"
)

// OpList is the operation the adapter performs, as named in
// UpstreamError.Op and messages.
const OpList = "list issued files"

// The messages of the answers. MsgIssuedFiles, MsgDuplicate,
// MsgSessionExpired, MsgNotAValidToken and MsgFailedAtBank are the seed's;
// MsgNotAuthenticated and MsgInternalError are those of Deepvue's
// batch-status seed (002); the others are FastAPI's words for the status.
const (
	MsgIssuedFiles      = "Issued files fetched successfully."
	MsgDuplicate        = "Invalid Initial Deepvue Transaction id."
	MsgSessionExpired   = "Digilocker session expired."
	MsgNotAValidToken   = "Not a valid token"
	MsgFailedAtBank     = "Failed at bank"
	MsgNotAuthenticated = "Not authenticated"
	MsgTooManyRequests  = "Too Many Requests"
	MsgUnavailable      = "Service Unavailable"
	MsgInternalError    = "Internal Server Error"
)

// Outcome is what the adapter makes of an error answer.
type Outcome = upstream.Outcome

// ErrorAnswer is one error answer of the endpoint: its HTTP status, its
// body as the simulator sends it (with a fresh transaction_id, and for a
// 422 with the simulator's own list of errors), and what the adapter makes
// of it.
type ErrorAnswer struct {
	Status int
	Body   Response
	// Seed says the seed prints this body. The seed gives no statuses but
	// in its envelope's code; where it has none (the detail bodies and
	// "Failed at bank") the status is FastAPI's for the case.
	Seed    bool
	Outcome Outcome
}

// ErrorAnswers lists the error answers the adapter knows, each of which the
// simulator gives (see the transactions in transactions.go). Classify says
// what the adapter makes of any answer; these are its documented cases.
var ErrorAnswers = []ErrorAnswer{
	ansDuplicate, ansSessionExpired, ansBadToken, ansForbidden, ansNotAuthenticated,
	ansInvalidBody, ansBankFailure, ansTooMany, ansUnavailable, ansInternalError,
}

// The error answers, as ErrorAnswers lists them.
var (
	ansDuplicate        = ErrorAnswer{http.StatusBadRequest, envelope(400, SubCodeDuplicateRequest, MsgDuplicate), true, upstream.InvalidRow}
	ansSessionExpired   = ErrorAnswer{http.StatusUnauthorized, envelope(401, SubCodeSessionExpired, MsgSessionExpired), true, upstream.Final(bulkverify.StatusFailed, CodeSessionExpired)}
	ansBadToken         = ErrorAnswer{http.StatusUnauthorized, detail(MsgNotAValidToken), true, upstream.TokenInvalid}
	ansForbidden        = ErrorAnswer{http.StatusForbidden, detail(MsgNotAValidToken), true, upstream.TokenInvalid}
	ansNotAuthenticated = ErrorAnswer{http.StatusForbidden, detail(MsgNotAuthenticated), false, upstream.TokenInvalid}
	ansInvalidBody      = ErrorAnswer{http.StatusUnprocessableEntity, Response{Detail: Detail{Errors: []ValidationError{{Loc: []any{"string"}, Msg: "string", Type: "string"}}}}, true, upstream.InvalidRow}
	ansBankFailure      = ErrorAnswer{http.StatusInternalServerError, Response{Message: MsgFailedAtBank}, true, upstream.TryAgain}
	ansTooMany          = ErrorAnswer{http.StatusTooManyRequests, detail(MsgTooManyRequests), false, upstream.TryAgain}
	ansUnavailable      = ErrorAnswer{http.StatusServiceUnavailable, detail(MsgUnavailable), false, upstream.TryAgain}
	ansInternalError    = ErrorAnswer{http.StatusInternalServerError, detail(MsgInternalError), false, upstream.TryAgain}
)

func envelope(code int, subCode, msg string) Response {
	return Response{Code: &code, SubCode: subCode, Message: msg}
}

func detail(msg string) Response { return Response{Detail: Detail{Message: msg}} }

// Classify maps a failed answer, by HTTP status and body, to an Outcome.
// When the HTTP status is 2xx but the envelope's code is another number,
// the code stands for the status. Then, in order:
//
//	429, 408, 5xx                                transient
//	an envelope with code null and no sub_code   transient (the seed's "Failed at bank")
//	sub_code SESSION_EXPIRED                     FAILED/SESSION_EXPIRED
//	sub_code DUPLICATE_REQUEST                   FAILED/INVALID_ROW
//	401, 403, detail "Not a valid token"         FAILED/TOKEN_INVALID
//	a detail list, other 400, 422                FAILED/INVALID_ROW
//	anything else (404 of a wrong base URL, ...) FAILED/UPSTREAM_REJECTED
//
// None of the final outcomes is retryable as it is: a session expired or a
// transaction id refused needs a new DigiLocker session first.
func Classify(status int, r Response) Outcome {
	if status/100 == 2 && r.Code != nil && *r.Code/100 != 2 {
		status = *r.Code
	}
	switch {
	case status == http.StatusTooManyRequests, status == http.StatusRequestTimeout, status >= 500:
		return upstream.TryAgain
	case r.bankFailure():
		return upstream.TryAgain
	case strings.EqualFold(r.SubCode, SubCodeSessionExpired):
		return upstream.Final(bulkverify.StatusFailed, CodeSessionExpired)
	case strings.EqualFold(r.SubCode, SubCodeDuplicateRequest):
		return upstream.InvalidRow
	case status == http.StatusUnauthorized, status == http.StatusForbidden,
		strings.EqualFold(strings.TrimSpace(r.Detail.Message), MsgNotAValidToken):
		return upstream.TokenInvalid
	case len(r.Detail.Errors) > 0, status == http.StatusBadRequest, status == http.StatusUnprocessableEntity:
		return upstream.InvalidRow
	default:
		return upstream.Rejected
	}
}
