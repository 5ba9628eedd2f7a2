// Package bulkverify holds the vocabulary of the bulk verification service:
// batches, rows, results, result codes and errors. It imports no
// infrastructure; adapters live in subpackages and cmd/bulkverify wires them.
package bulkverify

import (
	"context"
	"strconv"
	"time"
)

// Status is the verdict on one row.
type Status string

// The three row statuses of the output CSV.
const (
	// StatusVerified means every check passed.
	StatusVerified Status = "VERIFIED"
	// StatusNotVerified means the provider answered and a check failed.
	StatusNotVerified Status = "NOT_VERIFIED"
	// StatusFailed means no answer could be had: a bad row, bad
	// credentials, an upstream that stayed down, a cancelled batch.
	StatusFailed Status = "FAILED"
)

// Row is one data row of an input CSV.
type Row struct {
	// Number is the row's 1-based position among the data rows (the header
	// is not counted).
	Number int
	// Fields maps the lower-cased, trimmed header name to the cell value.
	Fields map[string]string
}

// Get returns the trimmed value of column name, or "" when absent.
func (r Row) Get(name string) string { return r.Fields[name] }

// ReferenceID returns the row's optional reference_id.
func (r Row) ReferenceID() string { return r.Get("reference_id") }

// Result is the outcome of one row, one line of output.csv. The evidence
// fields are shared by every provider so that all outputs have one schema;
// where a row has several documents, values are joined with "|".
type Result struct {
	RowNumber    int    `csv:"row_number"`
	ReferenceID  string `csv:"reference_id"`
	Status       Status `csv:"status"`
	Code         Code   `csv:"code"`
	Message      string `csv:"message"`
	Retryable    bool   `csv:"retryable"`
	DocumentType string `csv:"document_type"`
	DocumentID   string `csv:"document_id"`
	Issuer       string `csv:"issuer"`
	SHA256       string `csv:"sha256"`
	Size         string `csv:"size"`
	MIME         string `csv:"mime"`
	Attempts     int    `csv:"attempts"`
	VerifiedAt   string `csv:"verified_at"`

	// The claim columns: how each claimed field compared with the
	// document, and where the compared values came from.
	DocumentNumberMatch Match  `csv:"document_number_match"`
	NameMatch           Match  `csv:"name_match"`
	NameScore           string `csv:"name_score"` // 0–100, empty unless a name was compared
	DOBMatch            Match  `csv:"dob_match"`
	GenderMatch         Match  `csv:"gender_match"`
	DocumentValidUntil  string `csv:"document_valid_until"` // YYYY-MM-DD, empty when unknown or never
	ClaimsSource        string `csv:"claims_source"`
	TokenRefreshed      bool   `csv:"token_refreshed"`

	// Deepvue rows keep the consent they were verified under (seed 000
	// asks the caller to keep it) and Deepvue's transaction_id.
	Consent       string `csv:"consent"`
	Purpose       string `csv:"purpose"`
	TransactionID string `csv:"transaction_id"`
}

// Verifier checks rows against one upstream provider.
type Verifier interface {
	// Verify returns the final Result for row, whatever its status, or an
	// error when no answer could be had this time (a 5xx, a timeout, a 429).
	// Errors are transient by contract: the caller retries them and gives up
	// with CodeUpstreamUnavailable. An error may carry a retry delay by
	// implementing RetryAfter() time.Duration.
	Verify(ctx context.Context, row Row) (Result, error)
}

// VerifierFunc adapts a function to Verifier.
type VerifierFunc func(ctx context.Context, row Row) (Result, error)

// Verify calls f.
func (f VerifierFunc) Verify(ctx context.Context, row Row) (Result, error) { return f(ctx, row) }

// Verified returns a VERIFIED result for row. Like NotVerified and Failed,
// it marks each field row claims UNAVAILABLE and the others NOT_CLAIMED
// until a comparison says otherwise.
func Verified(row Row, message string) Result {
	return unchecked(row, Result{RowNumber: row.Number, ReferenceID: row.ReferenceID(), Status: StatusVerified, Code: CodeOK, Message: message})
}

// NotVerified returns a NOT_VERIFIED result for row with code.
func NotVerified(row Row, code Code, message string) Result {
	return unchecked(row, Result{RowNumber: row.Number, ReferenceID: row.ReferenceID(), Status: StatusNotVerified, Code: code, Message: message})
}

// Failed returns a FAILED result for row with code; retryable says whether
// submitting the row again may succeed.
func Failed(row Row, code Code, message string, retryable bool) Result {
	return unchecked(row, Result{RowNumber: row.Number, ReferenceID: row.ReferenceID(), Status: StatusFailed, Code: code, Message: message, Retryable: retryable})
}

// UpstreamError is a transient upstream failure: the request may succeed if
// made again later.
type UpstreamError struct {
	Provider   string
	Op         string // what was being done, e.g. "list issued files"
	StatusCode int    // HTTP status, 0 for a transport error
	Reason     string // the upstream's error code or a short description
	Wait       time.Duration
	Err        error
}

func (e *UpstreamError) Error() string {
	msg := e.Provider + ": " + e.Op
	if e.StatusCode != 0 {
		msg += ": HTTP " + strconv.Itoa(e.StatusCode)
	}
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *UpstreamError) Unwrap() error { return e.Err }

// RetryAfter returns the delay the upstream asked for, or 0.
func (e *UpstreamError) RetryAfter() time.Duration { return e.Wait }

// Annotator is a Verifier that adds columns of its own to any result of
// its rows, including those the worker builds without it (a row given up
// after retries, a cancelled one, an invalid one): Deepvue keeps each
// row's consent and purpose.
type Annotator interface {
	Annotate(row Row, r Result) Result
}

// Annotate returns r annotated by v when v is an Annotator, else r.
func Annotate(v Verifier, row Row, r Result) Result {
	if a, ok := v.(Annotator); ok {
		return a.Annotate(row, r)
	}
	return r
}
