package deepvue

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/bulkverify/bulkverify"
)

// CodeSessionExpired is the code of a FAILED row whose DigiLocker session
// at Deepvue has expired (the seed's 401 SESSION_EXPIRED). It is not
// retryable: the person must open a new DigiLocker session, which gives a
// new initial_deepvue_transaction_id.
const CodeSessionExpired = bulkverify.CodeSessionExpired

// The row's columns.
const (
	ColTransactionID = "initial_deepvue_transaction_id"
	ColDocType       = "doctype"
	ColConsent       = "consent"
	ColPurpose       = "purpose"
)

// MaxTransactionIDLen bounds initial_deepvue_transaction_id. Deepvue's
// transaction ids are 32 hex digits; the bound leaves room for other forms
// while refusing what cannot be one.
const MaxTransactionIDLen = 128

// Spec describes the provider's input columns and the checks a row must
// pass before any upstream is called. Whether consent is Y is not among
// the checks: a row without it is FAILED/CONSENT_REQUIRED, not INVALID_ROW,
// so Verify checks it. That holds for an empty consent too: the header
// must have the column, but a row may leave it empty (MayBeEmpty).
//
// The one claim Deepvue checks is document_number, against the document
// id part of the matching item's uri. Canonical gives the form of a value
// that decides the request and the verdict, so that rows differing only
// in how they write the same thing are duplicates, verified once.
//
// Its Name is the provider's name, as given in ?provider=, in
// BV_DEEPVUE_* and in UpstreamError.Provider.
var Spec = bulkverify.Spec{
	Name:       "deepvue",
	Required:   []string{ColTransactionID, ColDocType, ColConsent},
	Optional:   []string{"reference_id", ColPurpose},
	Claims:     []string{bulkverify.ClaimDocumentNumber},
	MayBeEmpty: []string{ColConsent},
	Canonical:  Canonical,
	Check:      CheckRow,
}

// CheckRow returns why row cannot be sent to Deepvue, or "": a value with
// control characters, or a transaction id too long to be one.
func CheckRow(row bulkverify.Row) string {
	for _, col := range []string{ColTransactionID, ColDocType, ColPurpose, bulkverify.ClaimDocumentNumber} {
		if strings.ContainsFunc(row.Get(col), unicode.IsControl) {
			return fmt.Sprintf("%s contains a control character (a line break or tab inside the cell?)", col)
		}
	}
	if n := len(row.Get(ColTransactionID)); n > MaxTransactionIDLen {
		return fmt.Sprintf("%s is %d characters long, more than the %d a transaction id can have", ColTransactionID, n, MaxTransactionIDLen)
	}
	return ""
}

// Canonical is Spec.Canonical: the form of a row's value that decides what
// Deepvue is asked and how its answer is judged. A consent that gives
// consent is "Y" (Deepvue is sent "Y" whatever the row wrote); a doctype
// is upper-case (doctypes match ignoring case). Any other value, and a
// consent that does not give consent (its message quotes it), is itself:
// transaction ids and purposes are sent as written, and a purpose left
// empty is not the configured default here, since only the workers know
// BV_DEEPVUE_PURPOSE.
func Canonical(column, value string) string {
	switch {
	case column == ColConsent && Consented(value):
		return "Y"
	case column == ColDocType:
		return strings.ToUpper(strings.TrimSpace(value))
	}
	return value
}

// Consented reports whether a consent cell gives consent: Y, in either
// case, with surrounding spaces ignored.
func Consented(consent string) bool {
	return strings.EqualFold(strings.TrimSpace(consent), "Y")
}
