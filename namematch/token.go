package namematch

import "unicode/utf8"

// maxWords bounds the words of a name that are compared; no real name has
// more, and the assignment grows with 2^maxWords.
const maxWords = 10

// token is one word of a name with the keys it is compared by.
type token struct {
	word    string // folded spelling
	key     string // phonetic key
	loose   string // looseKey(key)
	schwa   string // schwaKey(word)
	initial bool   // a single letter
	generic bool   // a word too common to tell people apart on its own
}

// genericWords are words so many Indians share (Kumar, Singh, Devi,
// Muhammad, ...) that two names agreeing on them alone may be different
// people.
var genericWords = keySet("kumar", "kumari", "singh", "kaur", "devi", "bai", "ben", "bhai",
	"rani", "lal", "begum", "bibi", "khatun", "khatoon", "muhammad")

func keySet(ws ...string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[key(w)] = true
	}
	return m
}

func newToken(w string) token {
	k := key(w)
	return token{
		word:    w,
		key:     k,
		loose:   looseKey(k),
		schwa:   schwaKey(w),
		initial: utf8.RuneCountInString(w) == 1,
		generic: genericWords[k],
	}
}

// weight is how much a word counts in a score: longer words say more.
func (t token) weight() float64 {
	return float64(max(1, utf8.RuneCountInString(t.key)))
}

// readings returns the ways name can be read as a list of tokens: more
// than one when an ambiguous title leads it.
func readings(name string) [][]token {
	var out [][]token
	for _, ws := range stripHonorifics(words(name)) {
		ws = splitInitials(stripKinSuffixes(ws))
		if len(ws) > maxWords {
			ws = ws[:maxWords]
		}
		ts := make([]token, len(ws))
		for i, w := range ws {
			ts[i] = newToken(w)
		}
		out = append(out, ts)
	}
	return out
}
