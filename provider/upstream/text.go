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

// Redact replaces each of secrets in s with "[redacted]", in order, and a
// secret's beginning that ends s or stands before the "..." of a Clip
// (the upstream echoed the secret and the cut fell inside it). Values
// shorter than 8 characters are left alone: replacing them would garble
// messages and no real token or secret is that short.
func Redact(s string, secrets ...string) string {
	for _, v := range secrets {
		if len(v) >= 8 {
			s = strings.ReplaceAll(s, v, "[redacted]")
			s = redactCut(s, v)
		}
	}
	return s
}

// minSecretCut is the shortest beginning of a secret Redact removes from
// the end of a text.
const minSecretCut = 4

// redactCut removes from the end of s (before a Clip's "...") the longest
// beginning of secret that ends it.
func redactCut(s, secret string) string {
	body, cut := strings.CutSuffix(s, "...")
	for k := len(secret) - 1; k >= minSecretCut; k-- {
		if strings.HasSuffix(body, secret[:k]) {
			body = body[:len(body)-k] + "[redacted]"
			break
		}
	}
	if cut {
		return body + "..."
	}
	return body
}

// RedactAnswer redacts secrets from res's message and from the whole text
// of the *bulkverify.UpstreamError err wraps, if any (its Reason and the
// error it wraps, such as a decoder's error quoting the answer), and
// returns both.
func RedactAnswer(res bulkverify.Result, err error, secrets ...string) (bulkverify.Result, error) {
	res.Message = Redact(res.Message, secrets...)
	var ue *bulkverify.UpstreamError
	if errors.As(err, &ue) {
		ue.Reason = Redact(ue.Reason, secrets...)
		if ue.Err != nil {
			if text := ue.Err.Error(); Redact(text, secrets...) != text {
				ue.Err = redacted{msg: Redact(text, secrets...), err: ue.Err}
			}
		}
	}
	return res, err
}

// redacted is an error whose text had secrets removed; errors.Is and As
// still see the error it stands for.
type redacted struct {
	msg string
	err error
}

func (r redacted) Error() string { return r.msg }
func (r redacted) Unwrap() error { return r.err }
