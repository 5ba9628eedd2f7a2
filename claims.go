package bulkverify

import "strings"

// Match says how one claimed field of a row compared with the document.
type Match string

// The values of a row's *_match output columns.
const (
	// MatchOK: the document says what the row claims.
	MatchOK Match = "MATCH"
	// MatchMismatch: the document says something else.
	MatchMismatch Match = "MISMATCH"
	// MatchNotClaimed: the row left the field empty.
	MatchNotClaimed Match = "NOT_CLAIMED"
	// MatchUnavailable: the row claims it, but no value to compare it with
	// could be had (the upstream did not give it, or the row stopped
	// before it was compared).
	MatchUnavailable Match = "UNAVAILABLE"
)

// The claim columns: optional columns in which a row declares what the
// document says. A provider lists in Spec.Claims the ones it checks.
const (
	ClaimDocumentNumber = "document_number"
	ClaimName           = "name"
	ClaimDOB            = "dob"
	ClaimGender         = "gender"
	// ClaimRefreshToken is not compared: it is a secret that lets the
	// worker refresh an expired access token of the same consent.
	ClaimRefreshToken = "refresh_token"
)

// ClaimColumns lists every claim column. A file that has one for a
// provider that does not check it is refused: a claim is never silently
// dropped.
var ClaimColumns = []string{ClaimDocumentNumber, ClaimName, ClaimDOB, ClaimGender, ClaimRefreshToken}

// ComparedClaims are the claim columns compared with the document, in the
// order of their output columns and of the codes that report them.
var ComparedClaims = []string{ClaimDocumentNumber, ClaimName, ClaimDOB, ClaimGender}

// The values of the claims_source output column.
const (
	SourceCertificate = "certificate"
	SourceEAadhaar    = "eaadhaar"
	SourceURI         = "uri"
	SourceProfile     = "profile"
)

// Claims returns whether row declares any compared claim.
func (r Row) Claims() bool {
	for _, c := range ComparedClaims {
		if r.Get(c) != "" {
			return true
		}
	}
	return false
}

// MatchOf returns the *_match value of claim column c in r.
func (r *Result) MatchOf(c string) *Match {
	switch c {
	case ClaimDocumentNumber:
		return &r.DocumentNumberMatch
	case ClaimName:
		return &r.NameMatch
	case ClaimDOB:
		return &r.DOBMatch
	case ClaimGender:
		return &r.GenderMatch
	}
	return nil
}

// unchecked returns a Result's claim columns before any comparison: each
// claimed field UNAVAILABLE, the others NOT_CLAIMED.
func unchecked(row Row, r Result) Result {
	for _, c := range ComparedClaims {
		m := MatchNotClaimed
		if row.Get(c) != "" {
			m = MatchUnavailable
		}
		*r.MatchOf(c) = m
	}
	return r
}

// AddSource adds src to r's claims_source unless it is there already.
func (r *Result) AddSource(src string) {
	if src == "" {
		return
	}
	for _, s := range strings.Split(r.ClaimsSource, "|") {
		if s == src {
			return
		}
	}
	if r.ClaimsSource != "" {
		r.ClaimsSource += "|"
	}
	r.ClaimsSource += src
}
