package namematch

import "unicode/utf8"

// kind is how two words correspond.
type kind int

const (
	unrelated   kind = iota
	initialOf        // an initial and a word that starts with it
	sameInitial      // the same initial on both sides
	typo             // one long word with two neighbouring letters swapped
	variant          // one name in spellings only the looser rules join
	same             // the same phonetic key
)

// credit is the share of a pair's weight that a correspondence earns.
func (k kind) credit() float64 {
	switch k {
	case same, sameInitial:
		return 1
	case variant:
		return 0.95
	case initialOf, typo:
		return 0.9
	}
	return 0
}

// full reports whether the pair joins two whole words, as the rule that
// an initial needs another word matched in full counts them.
func (k kind) full() bool {
	return k == same || k == variant || k == typo
}

// compare returns how words a and b correspond.
func compare(a, b token) kind {
	switch {
	case a.initial && b.initial:
		if a.word == b.word {
			return sameInitial
		}
	case a.initial:
		return initialFor(a, b)
	case b.initial:
		return initialFor(b, a)
	case a.key == b.key:
		return same
	case a.loose == b.loose, dropsSchwa(a.loose, b.loose), dropsSchwa(b.loose, a.loose),
		a.schwa != "" && a.schwa == b.key, b.schwa != "" && b.schwa == a.key,
		vowelVariant(a.key, b.key), endingVariant(a.key, b.key):
		return variant
	case transposed(a.key, b.key):
		return typo
	}
	return unrelated
}

// initialFor returns initialOf when the initial i may stand for word w:
// when w is spelt, or sounds, as starting with it (V for Wasim, K for
// Qureshi).
func initialFor(i, w token) kind {
	r := first(i.word)
	if r == first(w.word) || r == first(w.key) {
		return initialOf
	}
	return unrelated
}

func first(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

// weight is how much the pair of a and b counts: that of the longer word,
// so an initial counts as much as the word it stands for.
func pairWeight(a, b token) float64 {
	return max(a.weight(), b.weight())
}
