package claims

import (
	"strings"
	"time"

	"github.com/bulkverify/bulkverify"
)

// DocumentNumber compares a claimed document number with the document's.
// Case, spaces, '-', '/' and '.' do not count. A value that begins with a
// run of x, X or * (a masked number, as DigiLocker masks Aadhaar
// numbers) is compared on the digits after the run, at least four, against
// as many trailing characters of the other value; with fewer the numbers
// cannot be compared and the answer is UNAVAILABLE.
func DocumentNumber(claimed, held string) bulkverify.Match {
	a, b := normalizeNumber(claimed), normalizeNumber(held)
	if a == "" || b == "" {
		return bulkverify.MatchUnavailable
	}
	ta, ma := unmasked(a)
	tb, mb := unmasked(b)
	switch {
	case !ma && !mb:
		return matchIf(a == b)
	case ma && mb:
		n := min(len(ta), len(tb))
		if n < 4 {
			return bulkverify.MatchUnavailable
		}
		return matchIf(ta[len(ta)-n:] == tb[len(tb)-n:])
	case ma:
		return compareTail(ta, b)
	default:
		return compareTail(tb, a)
	}
}

// compareTail compares the visible digits of a masked number with as many
// trailing characters of a full one.
func compareTail(tail, full string) bulkverify.Match {
	if len(tail) < 4 || !allDigits(tail) {
		return bulkverify.MatchUnavailable
	}
	return matchIf(strings.HasSuffix(full, tail))
}

// normalizeNumber lower-cases s and drops spaces, '-', '/' and '.'.
func normalizeNumber(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '-', '/', '.':
			return -1
		}
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

// unmasked returns what follows a leading run of x or *, and whether
// there was one. A number that is all x has nothing visible.
func unmasked(s string) (string, bool) {
	rest := strings.TrimLeft(s, "x*")
	if rest == s {
		return s, false
	}
	return rest, true
}

func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

func matchIf(ok bool) bulkverify.Match {
	if ok {
		return bulkverify.MatchOK
	}
	return bulkverify.MatchMismatch
}

// dateLayouts are the ways a document writes a date.
var dateLayouts = []string{"02-01-2006", "02/01/2006", "02012006", "2006-01-02", "2006-01-02T15:04:05Z07:00", "02.01.2006"}

// ParseDate reads a date in one of the forms documents use: DD-MM-YYYY,
// DD/MM/YYYY, DDMMYYYY or YYYY-MM-DD. yearOnly is set for a bare YYYY.
func ParseDate(s string) (t time.Time, yearOnly, ok bool) {
	s = strings.TrimSpace(s)
	if len(s) == 4 && allDigits(s) {
		t, err := time.Parse("2006", s)
		return t, true, err == nil
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, false, true
		}
	}
	return time.Time{}, false, false
}

// DOB compares a claimed date of birth (DDMMYYYY) with the document's, as
// dates: a document that gives a year alone matches on the year.
func DOB(claimed, held string) bulkverify.Match {
	c, _, ok := ParseDate(claimed)
	if !ok {
		return bulkverify.MatchMismatch // intake refuses such a claim; never MATCH
	}
	h, yearOnly, ok := ParseDate(held)
	switch {
	case !ok:
		return bulkverify.MatchUnavailable
	case yearOnly:
		return matchIf(c.Year() == h.Year())
	}
	return matchIf(c.Equal(h))
}

// Gender returns M, F or T for the forms a row or a document may use (M,
// F, T, MALE, FEMALE, TRANSGENDER, any case), or "".
func Gender(s string) string {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "M", "MALE":
		return "M"
	case "F", "FEMALE":
		return "F"
	case "T", "TRANSGENDER":
		return "T"
	}
	return ""
}

// GenderMatch compares a claimed gender with the document's.
func GenderMatch(claimed, held string) bulkverify.Match {
	h := Gender(held)
	if h == "" {
		return bulkverify.MatchUnavailable
	}
	return matchIf(Gender(claimed) == h)
}
