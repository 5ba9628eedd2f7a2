package bulkverify

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Provider names, as given in ?provider= and stored with each batch.
const (
	ProviderDigiLocker = "digilocker"
	ProviderSila       = "sila"
	ProviderFlexFactor = "flexfactor"
)

// Spec describes a provider's input columns and how a row is validated
// before any upstream is called.
type Spec struct {
	Name     string
	Required []string
	Optional []string
	// Check returns why row cannot be verified, or "" when it can.
	Check func(row Row) string
}

// Specs lists the providers the service knows, by name.
var Specs = map[string]Spec{
	ProviderDigiLocker: {
		Name:     ProviderDigiLocker,
		Required: []string{"access_token", "doctype"},
		Optional: []string{"reference_id", "uri", "name", "dob"},
		Check:    checkDigiLocker,
	},
	ProviderSila: {
		Name:     ProviderSila,
		Required: []string{"user_handle", "doc_types"},
		Optional: []string{"reference_id", "start_date", "end_date", "search"},
		Check:    checkSila,
	},
	ProviderFlexFactor: {
		Name:     ProviderFlexFactor,
		Required: []string{"application_id", "document_types"},
		Optional: []string{"reference_id"},
		Check:    checkFlexFactor,
	},
}

// ProviderNames returns the known provider names, sorted.
func ProviderNames() []string {
	names := make([]string, 0, len(Specs))
	for n := range Specs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
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

func checkDigiLocker(row Row) string {
	if dob := row.Get("dob"); dob != "" && !isDDMMYYYY(dob) {
		return fmt.Sprintf("dob %q is not a date in DDMMYYYY form (e.g. 31121970)", dob)
	}
	return ""
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

func checkSila(row Row) string {
	if len(SplitList(row.Get("doc_types"))) == 0 {
		return "doc_types lists no document type: give one or more, separated by |"
	}
	for _, col := range []string{"start_date", "end_date"} {
		if v := row.Get(col); v != "" {
			if _, err := time.Parse(time.DateOnly, v); err != nil {
				return fmt.Sprintf("%s %q is not a date in YYYY-MM-DD form", col, v)
			}
		}
	}
	if s, e := row.Get("start_date"), row.Get("end_date"); s != "" && e != "" && s > e {
		return fmt.Sprintf("start_date %s is after end_date %s", s, e)
	}
	return ""
}

func checkFlexFactor(row Row) string {
	if len(SplitList(row.Get("document_types"))) == 0 {
		return "document_types lists no document type: give one or more, separated by |"
	}
	if id := row.Get("application_id"); strings.ContainsAny(id, "/?#% ") {
		return fmt.Sprintf("application_id %q contains characters an application id cannot have", id)
	}
	return ""
}

func isDDMMYYYY(s string) bool {
	if len(s) != 8 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	d := int(s[0]-'0')*10 + int(s[1]-'0')
	m := int(s[2]-'0')*10 + int(s[3]-'0')
	return d >= 1 && d <= 31 && m >= 1 && m <= 12
}
