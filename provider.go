package bulkverify

import (
	"fmt"
	"unicode"

	"strings"
)

// Spec describes a provider's input columns and how a row is validated
// before any upstream is called. Each provider package declares its own.
type Spec struct {
	Name     string
	Required []string
	Optional []string
	// Check returns why row cannot be verified, or "". A reason names its
	// column first (as in "dob \"1970\" is not a date"), which is how
	// Problem finds the column.
	Check func(row Row) string
}

// Validate returns why row cannot be verified, or "": every required column
// must have a value, then the provider's own checks apply.
func (s Spec) Validate(row Row) string {
	var empty []string
	for _, c := range s.Required {
		if row.Get(c) == "" {
			empty = append(empty, c)
		}
	}
	if len(empty) > 0 {
		return fmt.Sprintf("required value missing: %s", strings.Join(empty, ", "))
	}
	for _, cols := range [][]string{s.Required, s.Optional} {
		for _, c := range cols {
			if strings.ContainsFunc(row.Get(c), unicode.IsControl) {
				return fmt.Sprintf("%s contains a control character (a line break or tab inside the cell?): remove it", c)
			}
		}
	}
	if s.Check != nil {
		return s.Check(row)
	}
	return ""
}

// Problem returns the column at fault and why row cannot be verified, or
// two empty strings. A Check's reason names its column first (as in "dob
// \"1970\" is not a date"), which is how the column is found.
func (s Spec) Problem(row Row) (column, reason string) {
	reason = s.Validate(row)
	if reason == "" {
		return "", ""
	}
	for _, c := range s.Required {
		if row.Get(c) == "" {
			return c, reason
		}
	}
	first, _, _ := strings.Cut(reason, " ")
	for _, c := range s.Columns() {
		if c == first {
			return c, reason
		}
	}
	return "", reason
}

// Columns returns the required then the optional columns.
func (s Spec) Columns() []string {
	return append(append([]string{}, s.Required...), s.Optional...)
}

// UpstreamColumns returns the columns whose values reach the upstream:
// every column but reference_id. Two rows equal in all of them are
// duplicates, verified once.
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
