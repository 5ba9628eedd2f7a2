package flexfactor

import (
	"net/http"
	"strings"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/upstream"
)

// The operations the adapter performs, as named in UpstreamError.Op,
// messages and SpecError.API.
const (
	OpToken    = "get an access token"
	OpList     = "list application documents"
	OpDownload = "download document"
)

// Error texts of the seed.
const (
	// ErrInvalidApplication is the seed's error for an unknown application,
	// in a 404 body and in the errors of a 200 with success false.
	ErrInvalidApplication = "Invalid application ID."
	// ErrInvalidBearer is the seed's error for a bearer token it refuses.
	ErrInvalidBearer = "Authentication failed. Invalid bearer token."
)

// SpecError is one error answer the seed documents.
type SpecError struct {
	API    string // OpList: the seed documents no other API's errors
	Status int
	Error  string // the one entry of the body's errors
}

// SpecErrors lists the error answers of the seed's "List of documents":
// the failed retrieval sample (HTTP 200, success false) and the two error
// examples. Classify says what the adapter makes of each.
var SpecErrors = []SpecError{
	{OpList, http.StatusOK, ErrInvalidApplication},
	{OpList, http.StatusNotFound, ErrInvalidApplication},
	{OpList, http.StatusUnauthorized, ErrInvalidBearer},
}

// Outcome is what the adapter makes of an error answer.
type Outcome = upstream.Outcome

// Classify maps an error answer of op, by HTTP status and the upstream's
// errors (the errors list of the API, the OAuth2 error code of the token
// endpoint, the S3-style message of a download), to an Outcome. For a 200
// whose success is false, status is 200.
//
//	op          answer                                   outcome
//	any         429, 5xx, no answer                      transient
//	token       400, 401, 403 (invalid_client, ...)      FAILED/TOKEN_INVALID
//	token       other 4xx                                FAILED/UPSTREAM_REJECTED
//	list        any status, "Invalid application ID."    NOT_VERIFIED/APPLICATION_NOT_FOUND
//	list        401 (after one token refresh)            FAILED/TOKEN_INVALID
//	list        200 success:false, other errors          FAILED/UPSTREAM_REJECTED
//	list        other 4xx, a 404 without the error too   FAILED/UPSTREAM_REJECTED
//	download    403, 410: link expired (after one        transient
//	            re-listing for a fresh link)
//	download    404: the listed file is missing          NOT_VERIFIED/DOCUMENT_NOT_FOUND
//	download    other 4xx                                FAILED/UPSTREAM_REJECTED
//
// A bare 404 on the list is not APPLICATION_NOT_FOUND: a wrong base URL
// answers that way too, and would mark every application as unknown.
// No final outcome is retryable.
func Classify(op string, status int, errs []string) Outcome {
	switch {
	case status == http.StatusTooManyRequests, status >= 500:
		return upstream.TryAgain
	case op == OpToken && (status == 400 || status == 401 || status == 403):
		return upstream.TokenInvalid
	case op == OpList && saysInvalidApplication(errs):
		return upstream.Final(bulkverify.StatusNotVerified, bulkverify.CodeApplicationNotFound)
	case op == OpList && status == http.StatusUnauthorized:
		return upstream.TokenInvalid
	case op == OpDownload && (status == http.StatusForbidden || status == http.StatusGone):
		return upstream.TryAgain
	case op == OpDownload && status == http.StatusNotFound:
		return upstream.DocumentNotFound
	default:
		return upstream.Rejected
	}
}

// saysInvalidApplication reports whether errs hold the seed's "Invalid
// application ID.", whatever its case, spacing and final period.
func saysInvalidApplication(errs []string) bool {
	want := normalize(ErrInvalidApplication)
	for _, e := range errs {
		if normalize(e) == want {
			return true
		}
	}
	return false
}

func normalize(s string) string {
	return strings.ToLower(strings.TrimRight(strings.Join(strings.Fields(s), " "), "."))
}
