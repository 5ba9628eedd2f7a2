package sila

import (
	"net/http"
	"strings"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/upstream"
)

// CodeUserNotFound is the code of a NOT_VERIFIED row whose user_handle Sila
// does not know: no user of that handle is registered with the app. It is
// Sila's own, so it lives here rather than among the root package's codes.
const CodeUserNotFound bulkverify.Code = "USER_NOT_FOUND"

// OpList is the operation the adapter performs, as named in
// UpstreamError.Op and messages.
const OpList = "list documents"

// Outcome is what the adapter makes of an error answer.
type Outcome = upstream.Outcome

// ErrorAnswer is one error answer of POST /0.2/list_documents: its HTTP
// status, its message as the simulator sends it, and what the adapter
// makes of it.
type ErrorAnswer struct {
	Status  int
	Message string
	// Seed says the seed documents the answer. The others are designed from
	// the seed's envelope (success false, status FAILURE, a message) and
	// from what an HTTP API does for a bad token or a throttled client.
	Seed    bool
	Outcome Outcome
}

// The messages of ErrorAnswers. MsgInvalidDocTypes is the seed's.
const (
	MsgInvalidDocTypes = "One or more invalid document types specified"
	MsgBadRequest      = "Bad request: the request failed validation, see validation_details"
	MsgAppHandle       = "The app_handle in the header is not the app of the access token"
	MsgBadToken        = "Invalid or expired access token"
	MsgNotPermitted    = "The app is not permitted to list documents"
	MsgUserNotFound    = "User handle not found"
	MsgNotCompleted    = "The request could not be completed"
	MsgTooManyRequests = "Rate limit exceeded: retry after the delay in Retry-After"
	MsgUnavailable     = "Service temporarily unavailable"
	MsgInternalError   = "Internal server error"
)

// ErrorAnswers lists the error answers the adapter knows, each of which the
// simulator gives (see the users in users.go). Classify says what the
// adapter makes of any answer; these are its documented cases.
var ErrorAnswers = []ErrorAnswer{
	{http.StatusBadRequest, MsgInvalidDocTypes, true, upstream.InvalidRow},
	{http.StatusBadRequest, MsgBadRequest, false, upstream.InvalidRow},
	{http.StatusBadRequest, MsgAppHandle, false, upstream.TokenInvalid},
	{http.StatusUnauthorized, MsgBadToken, false, upstream.TokenInvalid},
	{http.StatusForbidden, MsgNotPermitted, false, upstream.TokenInvalid},
	{http.StatusNotFound, MsgUserNotFound, false, upstream.Final(bulkverify.StatusNotVerified, CodeUserNotFound)},
	{http.StatusOK, MsgNotCompleted, false, upstream.Rejected},
	{http.StatusTooManyRequests, MsgTooManyRequests, false, upstream.TryAgain},
	{http.StatusServiceUnavailable, MsgUnavailable, false, upstream.TryAgain},
	{http.StatusInternalServerError, MsgInternalError, false, upstream.TryAgain},
}

// Classify maps a failed answer, by HTTP status and body, to an Outcome.
// The status decides first, then what the message or validation_details
// are about, then the status again:
//
//	429, 408, 5xx                                   transient
//	401, 403                                        FAILED/TOKEN_INVALID
//	says the user handle is not found or registered NOT_VERIFIED/USER_NOT_FOUND
//	names the app_handle                            FAILED/TOKEN_INVALID
//	names the document types (the seed's 400)       FAILED/INVALID_ROW
//	other 404 with Sila's envelope                  NOT_VERIFIED/USER_NOT_FOUND
//	other 400, 422                                  FAILED/INVALID_ROW
//	200 with success false, a 404 without Sila's
//	envelope (a wrong base URL), other 4xx          FAILED/UPSTREAM_REJECTED
//
// None of the final outcomes is retryable. A 404 is the user's only when
// the body is Sila's: the one thing list_documents can fail to find is the
// user of the header.
func Classify(status int, e APIError) Outcome {
	switch {
	case status == http.StatusTooManyRequests, status == http.StatusRequestTimeout, status >= 500:
		return upstream.TryAgain
	case status == http.StatusUnauthorized, status == http.StatusForbidden:
		return upstream.TokenInvalid
	}
	switch subjectOf(e) {
	case subjectUser:
		return upstream.Final(bulkverify.StatusNotVerified, CodeUserNotFound)
	case subjectApp:
		return upstream.TokenInvalid
	case subjectDocTypes:
		return upstream.InvalidRow
	}
	switch {
	case status == http.StatusNotFound && e.sila():
		return upstream.Final(bulkverify.StatusNotVerified, CodeUserNotFound)
	case status == http.StatusBadRequest, status == http.StatusUnprocessableEntity:
		return upstream.InvalidRow
	default:
		return upstream.Rejected
	}
}

// What an error answer is about.
const (
	subjectNone = iota
	subjectUser
	subjectApp
	subjectDocTypes
)

// notFound are the phrases that say a user handle is unknown.
var notFound = []string{"not found", "could not find", "cannot find", "can't find", "not registered", "does not exist", "doesn't exist", "no user", "unknown user"}

// subjectOf reads the message and each validation detail, key included,
// for what e is about: an unknown user handle, the app handle, or the
// document types.
func subjectOf(e APIError) int {
	texts := []string{e.Message}
	for k, v := range e.ValidationDetails {
		texts = append(texts, k+": "+v)
	}
	got := subjectNone
	for _, t := range texts {
		t = strings.ToLower(t)
		switch {
		case containsAny(t, "app_handle", "app handle"):
			return subjectApp
		case containsAny(t, "user_handle", "user handle", "user") && strings.Contains(t, "handle") && containsAny(t, notFound...):
			got = subjectUser
		case got == subjectNone && containsAny(t, "doc_type", "document type"):
			got = subjectDocTypes
		}
	}
	return got
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
