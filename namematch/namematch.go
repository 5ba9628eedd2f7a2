// Package namematch scores how likely two spellings of a person's name name the same person, made for Indian names.
//
// Case, diacritics, punctuation, leading honorifics (Mr, Smt, Shri, Dr,
// ...), Gujarati kin suffixes (-bhai, -ben) and a relative's name after
// S/O, D/O, W/O or C/O do not count; word order is free; common
// transliteration variants (ee/i, oo/u, w/v, ph/f, sh/s, th/t, ksh/x,
// doubled letters, Mohammed/Mohd/Md, ay/ai, a final a on a man's name
// such as Gopal/Gopala, ...) match, and two swapped letters in a long
// word (Agarwal/Agrawal) count as a typo. An initial stands for a word only
// when another word matches in full. A word on both sides that
// is another name (Rahul/Rohit, Amit/Amita, Kumar/Kumari) keeps the score
// below DefaultThreshold; a word on one side only (a missing middle name)
// costs a few points, provided two words match in full.
package namematch

// DefaultThreshold is the score at or above which two names match.
const DefaultThreshold = 85

// Score returns 0..100: how well claimed (a name a customer gave) matches held (the name on an issued document).
func Score(claimed, held string) int {
	best, hs := 0, readings(held)
	for _, a := range readings(claimed) {
		for _, b := range hs {
			best = max(best, scoreTokens(a, b))
		}
	}
	return best
}

// Match reports whether Score(claimed, held) >= threshold.
func Match(claimed, held string, threshold int) bool {
	return Score(claimed, held) >= threshold
}
