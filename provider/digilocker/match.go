package digilocker

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// NameMatches reports whether given, a name from a row, names the same
// person as held, the name on the DigiLocker account. Case, spacing and
// punctuation are ignored; a one-letter word (an initial) matches any word
// that starts with it; words may come in any order but each pairs with
// exactly one word of the other name. So "S. Kumar", "s kumar" and
// "KUMAR, Sunil" match "Sunil Kumar"; "Ajit Kumar" and "Sunil" do not.
func NameMatches(given, held string) bool {
	a, b := nameWords(given), nameWords(held)
	if len(a) == 0 || len(a) != len(b) {
		return false
	}
	if len(a) > 8 { // no name is this long; avoid the search, keep the order
		for i := range a {
			if !wordsMatch(a[i], b[i]) {
				return false
			}
		}
		return true
	}
	return pairAll(a, b, make([]bool, len(b)))
}

// nameWords lower-cases name and splits it at anything but letters and
// digits.
func nameWords(name string) []string {
	return strings.FieldsFunc(strings.ToLower(name), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// pairAll reports whether every word of a pairs with a distinct unused
// word of b.
func pairAll(a, b []string, used []bool) bool {
	if len(a) == 0 {
		return true
	}
	for j, w := range b {
		if used[j] || !wordsMatch(a[0], w) {
			continue
		}
		used[j] = true
		if pairAll(a[1:], b, used) {
			return true
		}
		used[j] = false
	}
	return false
}

func wordsMatch(a, b string) bool {
	switch {
	case a == b:
		return true
	case utf8.RuneCountInString(a) == 1:
		return strings.HasPrefix(b, a)
	case utf8.RuneCountInString(b) == 1:
		return strings.HasPrefix(a, b)
	}
	return false
}
