package upstream

import (
	"fmt"
	"strings"

	"github.com/bulkverify/bulkverify"
)

// Verify is how every client's Verify begins and ends: a row that fails
// spec is FAILED/INVALID_ROW and reaches no upstream; any other goes to
// verify, and each of secrets is redacted from what comes back.
func Verify(spec bulkverify.Spec, row bulkverify.Row, secrets []string, verify func() (bulkverify.Result, error)) (bulkverify.Result, error) {
	if problem := spec.Validate(row); problem != "" {
		return bulkverify.Failed(row, bulkverify.CodeInvalidRow, problem+": correct the row and submit it again", false), nil
	}
	res, err := verify()
	return RedactAnswer(res, err, secrets...)
}

// Setting is a configured value a client cannot verify a row without.
type Setting struct {
	What  string // what it is, as in "Sila access token"
	Var   string // the variable that sets it, as in BV_SILA_ACCESS_TOKEN
	Value string
}

// NewSetting returns the Setting of what, set by variable, to value
// without surrounding spaces.
func NewSetting(what, variable, value string) Setting {
	return Setting{What: what, Var: variable, Value: strings.TrimSpace(value)}
}

// Unset returns the FAILED/TOKEN_INVALID result of row when one of
// settings has no value, naming the first, and true.
func Unset(row bulkverify.Row, settings ...Setting) (bulkverify.Result, bool) {
	for _, s := range settings {
		if s.Value == "" {
			msg := fmt.Sprintf("no %s is configured: set %s, then submit the row again", s.What, s.Var)
			return bulkverify.Failed(row, bulkverify.CodeTokenInvalid, msg, false), true
		}
	}
	return bulkverify.Result{}, false
}
