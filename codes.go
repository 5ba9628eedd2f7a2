package bulkverify

// Code is a stable UPPER_SNAKE reason for a row's status.
type Code string

// Result codes. Every one is documented in the README.
const (
	CodeOK                   Code = "OK"
	CodeDocumentNotFound     Code = "DOCUMENT_NOT_FOUND"
	CodeIntegrityFailed      Code = "INTEGRITY_FAILED"
	CodeNameMismatch         Code = "NAME_MISMATCH"
	CodeDOBMismatch          Code = "DOB_MISMATCH"
	CodeTokenInvalid         Code = "TOKEN_INVALID"
	CodeConsentRequired      Code = "CONSENT_REQUIRED"
	CodeUpstreamRejected     Code = "UPSTREAM_REJECTED"
	CodeUpstreamUnavailable  Code = "UPSTREAM_UNAVAILABLE"
	CodeInvalidRow           Code = "INVALID_ROW"
	CodeCancelled            Code = "CANCELLED"
	CodeBatchAborted         Code = "BATCH_ABORTED"
	CodeApplicationNotFound  Code = "APPLICATION_NOT_FOUND"
	CodeUntrustedDownloadURL Code = "UNTRUSTED_DOWNLOAD_URL"
	CodeSessionExpired       Code = "SESSION_EXPIRED"
	// CodeProcessingFailed: the row's chunk crashed a worker (out of
	// memory, a panic) BV_MAX_CHUNK_CRASHES times and was not verified.
	CodeProcessingFailed Code = "PROCESSING_FAILED"

	// The codes of claims checked against the document, in the order in
	// which they are chosen when several checks fail (see ClaimCodes).
	CodeDocumentRevoked        Code = "DOCUMENT_REVOKED"
	CodeDocumentExpired        Code = "DOCUMENT_EXPIRED"
	CodeDocumentNumberMismatch Code = "DOCUMENT_NUMBER_MISMATCH"
	CodeGenderMismatch         Code = "GENDER_MISMATCH"
	CodeClaimUnverifiable      Code = "CLAIM_UNVERIFIABLE"
	CodeAadhaarNotLinked       Code = "AADHAAR_NOT_LINKED"
	CodeAadhaarNotAvailable    Code = "AADHAAR_NOT_AVAILABLE"
)

// MismatchCode returns the code of a mismatched claim column.
func MismatchCode(column string) Code {
	switch column {
	case ClaimDocumentNumber:
		return CodeDocumentNumberMismatch
	case ClaimName:
		return CodeNameMismatch
	case ClaimDOB:
		return CodeDOBMismatch
	case ClaimGender:
		return CodeGenderMismatch
	}
	return CodeClaimUnverifiable
}
