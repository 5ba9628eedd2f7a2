package claims

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/namematch"
)

// Value is one value the evidence gives, and where it came from (a
// bulkverify.Source* name).
type Value struct {
	Text   string
	Source string
}

// Evidence is what the upstream says of a document and its holder, each
// value from the best source that gave it. A field it lacks is unknown.
type Evidence struct {
	// Values holds the document's value of each compared claim column.
	Values map[string]Value
	// Status is the certificate's status attribute ("" when unknown).
	Status string
	// Expiry is the certificate's expiryDate as the document writes it
	// ("" when unknown or when the document does not expire).
	Expiry string
}

// Set records v as the value of column unless a better source gave one.
func (e *Evidence) Set(column string, v Value) {
	if strings.TrimSpace(v.Text) == "" {
		return
	}
	if e.Values == nil {
		e.Values = map[string]Value{}
	}
	if _, ok := e.Values[column]; !ok {
		e.Values[column] = v
	}
}

// Has reports whether the evidence gives a value of column.
func (e Evidence) Has(column string) bool {
	_, ok := e.Values[column]
	return ok
}

// Judge compares rows' claims with evidence. The zero Judge uses
// namematch.DefaultThreshold and the wall clock.
type Judge struct {
	// NameThreshold is the name score at or above which names match.
	NameThreshold int
	// Now tells the day of verification, against which expiry is judged.
	Now func() time.Time
}

// Apply returns r with its claim columns set from comparing row's claims
// with ev. A VERIFIED r stays VERIFIED only when the document is valid and
// every claimed field is MATCH; otherwise it becomes NOT_VERIFIED with the
// first code that applies, in the contract's order (DOCUMENT_REVOKED,
// DOCUMENT_EXPIRED, DOCUMENT_NUMBER_MISMATCH, NAME_MISMATCH, DOB_MISMATCH,
// GENDER_MISMATCH, CLAIM_UNVERIFIABLE), and a message that names every
// field that failed but never a value: names and dates of birth are
// personal data. A result that is not VERIFIED keeps its status and code.
func (j Judge) Apply(row bulkverify.Row, r bulkverify.Result, ev Evidence) bulkverify.Result {
	until, expired := j.validity(ev.Expiry)
	r.DocumentValidUntil = until
	for _, c := range bulkverify.ComparedClaims {
		j.compare(row, &r, c, ev)
	}
	if r.Status != bulkverify.StatusVerified {
		return r
	}
	var problems []string
	code := bulkverify.CodeOK
	fail := func(c bulkverify.Code, why string) {
		if code == bulkverify.CodeOK {
			code = c
		}
		problems = append(problems, why)
	}
	if revoked(ev.Status) {
		fail(bulkverify.CodeDocumentRevoked, fmt.Sprintf("the certificate's status is %q, not active (it was revoked or suspended by its issuer)", clip(ev.Status)))
	}
	if expired {
		fail(bulkverify.CodeDocumentExpired, fmt.Sprintf("the certificate expired on %s", until))
	}
	for _, c := range bulkverify.ComparedClaims {
		if *r.MatchOf(c) == bulkverify.MatchMismatch {
			fail(bulkverify.MismatchCode(c), mismatchText(c, r))
		}
	}
	for _, c := range bulkverify.ComparedClaims {
		if *r.MatchOf(c) == bulkverify.MatchUnavailable {
			fail(bulkverify.CodeClaimUnverifiable, c+" could not be checked: the document gives no value to compare it with")
		}
	}
	if code == bulkverify.CodeOK {
		r.Message += "; " + matchedText(row)
		return r
	}
	r.Status, r.Code, r.Retryable = bulkverify.StatusNotVerified, code, false
	r.Message = "the document does not bear out the row: " + strings.Join(problems, "; ") + ": " + advice(code)
	return r
}

// advice says what to do about a row that failed with code.
func advice(code bulkverify.Code) string {
	switch code {
	case bulkverify.CodeDocumentRevoked, bulkverify.CodeDocumentExpired:
		return "the document is not in force; ask the customer for a valid one (renewed or re-issued, then fetched into DigiLocker) and submit the row again"
	case bulkverify.CodeClaimUnverifiable:
		return "the claim cannot be confirmed from this document; check it by other means, or submit the row without it"
	}
	return "check the row's values against the customer's document; if the row is right, the document is someone else's or says otherwise: review it by hand"
}

// compare sets r's match of claim column c.
func (j Judge) compare(row bulkverify.Row, r *bulkverify.Result, c string, ev Evidence) {
	claimed := row.Get(c)
	m := r.MatchOf(c)
	if claimed == "" {
		*m = bulkverify.MatchNotClaimed
		return
	}
	v, ok := ev.Values[c]
	if !ok {
		*m = bulkverify.MatchUnavailable
		return
	}
	switch c {
	case bulkverify.ClaimDocumentNumber:
		*m = DocumentNumber(claimed, v.Text)
	case bulkverify.ClaimName:
		score := namematch.Score(claimed, v.Text)
		r.NameScore = strconv.Itoa(score)
		*m = matchIf(score >= j.threshold())
	case bulkverify.ClaimDOB:
		*m = DOB(claimed, v.Text)
	case bulkverify.ClaimGender:
		*m = GenderMatch(claimed, v.Text)
	}
	if *m != bulkverify.MatchUnavailable {
		r.AddSource(v.Source)
	}
}

func (j Judge) threshold() int {
	if j.NameThreshold > 0 {
		return j.NameThreshold
	}
	return namematch.DefaultThreshold
}

// validity returns the expiry as YYYY-MM-DD ("" when unknown or never)
// and whether it is before the day of verification.
func (j Judge) validity(expiry string) (string, bool) {
	t, yearOnly, ok := ParseDate(expiry)
	if !ok || yearOnly {
		return "", false
	}
	now := time.Now
	if j.Now != nil {
		now = j.Now
	}
	y, m, d := now().Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return t.Format("2006-01-02"), t.Before(today)
}

// revoked reports whether a certificate status says the document is not
// in force: present, and other than A or ACTIVE.
func revoked(status string) bool {
	s := strings.ToUpper(strings.TrimSpace(status))
	return s != "" && s != "A" && s != "ACTIVE"
}

func mismatchText(c string, r bulkverify.Result) string {
	switch c {
	case bulkverify.ClaimName:
		return fmt.Sprintf("name does not match (score %s, below the threshold)", r.NameScore)
	case bulkverify.ClaimDocumentNumber:
		return "document_number differs from the document's number"
	case bulkverify.ClaimDOB:
		return "dob differs from the document's date of birth"
	default:
		return "gender differs from the document's"
	}
}

// matchedText names the claimed fields that matched.
func matchedText(row bulkverify.Row) string {
	var claimed []string
	for _, c := range bulkverify.ComparedClaims {
		if row.Get(c) != "" {
			claimed = append(claimed, c)
		}
	}
	if len(claimed) == 0 {
		return "no claim to check"
	}
	return "the document bears out " + strings.Join(claimed, ", ")
}

// clip bounds an upstream value quoted in a message.
func clip(s string) string {
	if len(s) > 32 {
		return s[:32] + "…"
	}
	return s
}
