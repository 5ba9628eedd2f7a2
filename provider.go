package bulkverify

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// Spec describes a provider's input columns and how a row is validated
// before any upstream is called. Each provider package declares its own.
type Spec struct {
	Name     string
	Required []string
	Optional []string
	// Claims are the claim columns (ClaimColumns) the provider checks
	// against the document; each is an optional column too.
	Claims []string
	// MayBeEmpty are required columns whose empty value the provider
	// judges, not the intake: the header must have them, but a row that
	// leaves one empty passes Validate and gets the provider's verdict
	// (Deepvue's empty consent is FAILED/CONSENT_REQUIRED, not INVALID_ROW).
	MayBeEmpty []string
	// Canonical, when set, returns the form of a column's value that
	// decides what the upstream is asked and how its answer is judged
	// (Deepvue's consent "y" is "Y"). Two rows whose upstream columns have
	// the same canonical values are duplicates, verified once. Nil means
	// every value is its own canonical form.
	Canonical func(column, value string) string
	// Check returns why row cannot be verified, or "". A reason names its
	// column first (as in "dob \"1970\" is not a date"), which is how
	// Problem finds the column.
	Check func(row Row) string
}

// Validate returns why row cannot be verified, or "": every required column
// but those of MayBeEmpty must have a value, then the provider's own checks
// apply.
func (s Spec) Validate(row Row) string {
	// One look at each column (intake validates every row of every upload
	// here): the empty required ones, and the first with a control
	// character, which counts only when none is empty.
	var empty []string
	control := ""
	for i, cols := range [][]string{s.Required, s.Optional} {
		for _, c := range cols {
			v := row.Get(c)
			if i == 0 && v == "" && !slices.Contains(s.MayBeEmpty, c) {
				empty = append(empty, c)
			}
			if control == "" && hasControl(v) {
				control = c
			}
		}
	}
	if len(empty) > 0 {
		return fmt.Sprintf("required value missing: %s", strings.Join(empty, ", "))
	}
	if control != "" {
		return fmt.Sprintf("%s contains a control character (a line break or tab inside the cell?): remove it", control)
	}
	if s.Check != nil {
		return s.Check(row)
	}
	return ""
}

// hasControl reports whether v has a control character (unicode.IsControl):
// a byte loop for ASCII, the rune check past the first byte that is not.
func hasControl(v string) bool {
	for i := 0; i < len(v); i++ {
		switch b := v[i]; {
		case b < 0x20 || b == 0x7f:
			return true
		case b >= 0x80:
			return strings.ContainsFunc(v[i:], unicode.IsControl)
		}
	}
	return false
}

// Problem returns the column at fault and why row cannot be verified, or
// two empty strings. A Check's reason names its column first (as in "dob
// \"1970\" is not a date"), which is how the column is found.
func (s Spec) Problem(row Row) (column, reason string) {
	reason = s.Validate(row)
	if reason == "" {
		return "", ""
	}
	if empty := s.missing(row); len(empty) > 0 {
		return empty[0], reason
	}
	first, _, _ := strings.Cut(reason, " ")
	for _, c := range s.Columns() {
		if c == first {
			return c, reason
		}
	}
	return "", reason
}

// missing returns the required columns row leaves empty, but those of
// MayBeEmpty.
func (s Spec) missing(row Row) []string {
	var empty []string
	for _, c := range s.Required {
		if row.Get(c) == "" && !slices.Contains(s.MayBeEmpty, c) {
			empty = append(empty, c)
		}
	}
	return empty
}

// CanonicalValue returns the canonical form of column's value: what
// Canonical makes of it, or value itself when Canonical is nil.
func (s Spec) CanonicalValue(column, value string) string {
	if s.Canonical == nil {
		return value
	}
	return s.Canonical(column, value)
}

// Columns returns the required, the optional, then the claim columns.
func (s Spec) Columns() []string {
	return append(append(append([]string{}, s.Required...), s.Optional...), s.Claims...)
}

// UpstreamColumns returns the columns whose values reach the upstream:
// every column but reference_id. Two rows equal in all of them, by
// CanonicalValue, are duplicates, verified once.
func (s Spec) UpstreamColumns() []string {
	var out []string
	for _, c := range s.Columns() {
		if c != "reference_id" {
			out = append(out, c)
		}
	}
	return out
}

// SplitList splits a "|"-separated cell into its trimmed, non-empty items.
func SplitList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, "|") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}
