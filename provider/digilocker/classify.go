package digilocker

import (
	"net/http"
	"strings"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/upstream"
)

// The operations the adapter performs, as named in UpstreamError.Op,
// messages and SpecError.API.
const (
	OpUser     = "get user details"
	OpIssued   = "list issued documents"
	OpFile     = "get file from URI"
	OpXML      = "get certificate data in XML format from URI"
	OpEAadhaar = "get e-Aadhaar data in XML format"
	OpToken    = "refresh access token"
)

// SpecError is one row of an error table of the spec.
type SpecError struct {
	API         string // one of the Op constants
	Code        string
	Status      int
	Description string
}

// SpecErrors lists the error tables of the three APIs the adapter calls, as
// spec 1.12 gives them. Classify says what the adapter makes of each.
var SpecErrors = []SpecError{
	{OpUser, "invalid_token", 401, "The access token is invalid"},
	{OpUser, "insufficient_scope", 403, "The request requires higher privileges than provided by the access token"},
	{OpUser, "unexpected_error", 500, "Internal server error"},

	{OpIssued, "invalid_token", 401, "The access token is invalid"},
	{OpIssued, "partner_service_unresponsive", 500, "Internal server error"},
	{OpIssued, "unexpected_error", 500, "Internal server error"},

	{OpFile, "invalid_token", 401, "The access token is invalid"},
	{OpFile, "uri_missing", 400, "URI parameter missing"},
	{OpFile, "insufficient_scope", 403, "The request requires higher privileges than provided by the access token"},
	{OpFile, "invalid_uri", 404, "No file found for given URI"},
	{OpFile, "repository_service_unresponsive", 500, "Internal server error"},
	{OpFile, "repository_service_unpublished", 503, "Internal server error"},
	{OpFile, "repository_service_inactive", 503, "Internal server error"},
	{OpFile, "repository_service_configerror", 500, "Internal server error"},
	{OpFile, "repository_service_resperror", 500, "Internal server error"},
	{OpFile, "repository_service_exception", 500, "Internal server error"},

	{OpXML, "invalid_token", 401, "The access token is invalid"},
	{OpXML, "uri_missing", 400, "URI parameter missing"},
	{OpXML, "insufficient_scope", 403, "The request requires higher privileges than provided by the access token"},
	{OpXML, "invalid_uri", 404, "No file found for given URI"},
	{OpXML, "repository_service_unresponsive", 500, "Internal server error"},
	{OpXML, "repository_service_unpublished", 503, "Internal server error"},
	{OpXML, "repository_service_inactive", 503, "Internal server error"},
	{OpXML, "repository_service_configerror", 500, "Internal server error"},
	{OpXML, "repository_service_resperror", 500, "Internal server error"},
	{OpXML, "repository_service_exception", 500, "Internal server error"},

	{OpEAadhaar, "invalid_token", 401, "The access token is invalid"},
	{OpEAadhaar, "insufficient_scope", 403, "The request requires higher privileges than provided by the access token"},
	{OpEAadhaar, "aadhaar_not_linked", 404, "Aadhaar is not linked to the account"},
	{OpEAadhaar, "aadhaar_not_available", 404, "Aadhaar data is not available for this user. Please perform Aadhaar eKYC again."},
	{OpEAadhaar, "repository_service_unresponsive", 500, "Internal server error"},
	{OpEAadhaar, "repository_service_unpublished", 503, "Internal server error"},
	{OpEAadhaar, "repository_service_inactive", 503, "Internal server error"},
	{OpEAadhaar, "repository_service_configerror", 500, "Internal server error"},
}

// TokenErrors is the error table of the refresh grant (spec 1.12,
// "Refresh Access Token"); the client reads it with refusedGrant, not
// Classify.
var TokenErrors = []SpecError{
	{OpToken, "invalid_client", 400, "The client credentials are invalid"},
	{OpToken, "invalid_grant", 400, "The refresh token is invalid"},
	{OpToken, "invalid_grant_type", 400, "The grant_type parameter is invalid"},
	{OpToken, "unexpected_error", 500, "Internal server error"},
}

// Outcome is what the adapter makes of an error answer.
type Outcome = upstream.Outcome

// Classify maps an error answer, by HTTP status and error code, to an
// Outcome. A code from the spec's tables decides (it is trimmed first: the
// spec's sample sends "partner_service_unresponsive "); otherwise 429 and
// 5xx are transient and anything else is UPSTREAM_REJECTED.
//
//	invalid_token                     FAILED/TOKEN_INVALID, not retryable
//	insufficient_scope                FAILED/CONSENT_REQUIRED, not retryable
//	invalid_uri                       NOT_VERIFIED/DOCUMENT_NOT_FOUND
//	aadhaar_not_linked                NOT_VERIFIED/AADHAAR_NOT_LINKED
//	aadhaar_not_available             NOT_VERIFIED/AADHAAR_NOT_AVAILABLE
//	uri_missing, other 4xx            FAILED/UPSTREAM_REJECTED, not retryable
//	repository_service_*,
//	partner_service_unresponsive,
//	unexpected_error, 429, 5xx        transient
func Classify(status int, code string) Outcome {
	code = strings.TrimSpace(code)
	switch {
	case code == "invalid_token", status == http.StatusUnauthorized:
		// The spec's only 401 is invalid_token: a 401 whose body was cut
		// off is the token too.
		return upstream.TokenInvalid
	case code == "insufficient_scope":
		return upstream.Final(bulkverify.StatusFailed, bulkverify.CodeConsentRequired)
	case code == "invalid_uri":
		return upstream.DocumentNotFound
	case code == "aadhaar_not_linked":
		return upstream.Final(bulkverify.StatusNotVerified, bulkverify.CodeAadhaarNotLinked)
	case code == "aadhaar_not_available":
		return upstream.Final(bulkverify.StatusNotVerified, bulkverify.CodeAadhaarNotAvailable)
	case code == "uri_missing":
		return upstream.Rejected
	case strings.HasPrefix(code, "repository_service_"),
		code == "partner_service_unresponsive",
		code == "unexpected_error",
		status == 429,
		status >= 500:
		return upstream.TryAgain
	default:
		return upstream.Rejected
	}
}
