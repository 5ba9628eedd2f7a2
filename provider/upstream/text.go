package upstream

import (
	"errors"
	"strings"
	"unicode"

	"github.com/bulkverify/bulkverify"
)

// Clip keeps upstream text printable and short: control characters become
// spaces, and past 200 runes it is cut and ends in "...".
func Clip(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.TrimSpace(s))
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "..."
	}
	return s
}

// Redact replaces each of secrets in s with "[redacted]", in order. Values
// shorter than 8 characters are left alone: replacing them would garble
// messages and no real token or secret is that short.
func Redact(s string, secrets ...string) string {
	for _, v := range secrets {
		if len(v) >= 8 {
			s = strings.ReplaceAll(s, v, "[redacted]")
		}
	}
	return s
}

// RedactAnswer redacts secrets from res's message and from the Reason of
// the *bulkverify.UpstreamError err wraps, if any, and returns both.
func RedactAnswer(res bulkverify.Result, err error, secrets ...string) (bulkverify.Result, error) {
	res.Message = Redact(res.Message, secrets...)
	var ue *bulkverify.UpstreamError
	if errors.As(err, &ue) {
		ue.Reason = Redact(ue.Reason, secrets...)
	}
	return res, err
}
