package bulkverify

import (
	"strings"
	"testing"
	"unicode"
)

// hasControl answers as strings.ContainsFunc(v, unicode.IsControl) does,
// ASCII or not, valid UTF-8 or not.
func FuzzHasControlIsUnicodeIsControl(f *testing.F) {
	for _, s := range []string{"", "ABCPS1234K", "a\tb", "line\nbreak", "\x7f", "Ramesh Kumar", "é\u0085x", "\u0080", "日本", "\xff\x01", "bad\xc2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if got, want := hasControl(v), strings.ContainsFunc(v, unicode.IsControl); got != want {
			t.Errorf("hasControl(%q) = %v, want %v", v, got, want)
		}
	})
}
