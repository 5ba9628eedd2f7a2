package bulkverify

import (
	"errors"
	"fmt"
)

// Error codes for errors a user can act on. The HTTP API sends them as
// sub_code; anything else is an internal error.
const (
	EInvalidProvider = "INVALID_PROVIDER"
	EMissingColumn   = "MISSING_COLUMN"
	// EUnsupportedColumn: a claim column the provider cannot check.
	EUnsupportedColumn = "UNSUPPORTED_COLUMN"
	EInvalidFile       = "INVALID_FILE"
	EEmptyFile         = "EMPTY_FILE"
	EFileTooLarge      = "FILE_TOO_LARGE"
	// ETooManyColumns: the header has more columns or bytes than intake
	// accepts (BV_MAX_COLUMNS, 64 KB).
	ETooManyColumns = "TOO_MANY_COLUMNS"
	// ELineTooLong: a record is longer than BV_MAX_LINE_BYTES.
	ELineTooLong = "LINE_TOO_LONG"
	// ETooManyRows: the file has more data rows than BV_MAX_ROWS.
	ETooManyRows      = "TOO_MANY_ROWS"
	EInvalidRequestID = "INVALID_REQUEST_ID"
	EInvalidRequest   = "INVALID_REQUEST"
	EConflict         = "CONFLICT"
	// EIdempotencyKeyReused: the Idempotency-Key was used with another file.
	EIdempotencyKeyReused = "IDEMPOTENCY_KEY_REUSED"
	// EBatchFinished: the batch is finished and cannot be cancelled.
	EBatchFinished = "BATCH_FINISHED"
	// EBatchNotFinished: the batch must be finished first (retry, delete).
	EBatchNotFinished = "BATCH_NOT_FINISHED"
	// EBatchExpired: the batch's files were deleted at the end of retention.
	EBatchExpired = "BATCH_EXPIRED"
	// ENothingToRetry: the batch has no retryable row (of the codes asked).
	ENothingToRetry = "NOTHING_TO_RETRY"
	// EInvalidCallbackURL: the callback_url cannot receive webhooks.
	EInvalidCallbackURL = "INVALID_CALLBACK_URL"
	// ERequestTimeout: the upload's body stopped coming.
	ERequestTimeout = "REQUEST_TIMEOUT"
	// EBusy: every upload slot of the process is taken; retry later.
	EBusy = "SERVICE_BUSY"
	// ERateLimited: the client sent more requests than its rate allows.
	ERateLimited = "RATE_LIMITED"
	// ETooManyAttempts: too many failed authentications for the client id
	// or from the address; retry after Retry-After.
	ETooManyAttempts = "TOO_MANY_ATTEMPTS"
	// EProviderNotEnabled: the tenant may not upload to this provider
	// (BV_TENANT_PROVIDERS).
	EProviderNotEnabled = "PROVIDER_NOT_ENABLED"
	// ENotFound: an adapter found nothing under the id it was given.
	ENotFound = "NOT_FOUND"
	EInternal = "INTERNAL"
)

// Error is an error meant for the user: Code is stable, Message says what
// went wrong and what to do.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Errorf returns an *Error with code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err if it is, or wraps, an *Error, and
// EInternal otherwise.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the message of err if it is, or wraps, an *Error, and
// "internal error" otherwise, so that internals never leak.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
