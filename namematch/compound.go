package namematch

// joinCompounds returns a with each two adjacent words joined when the
// other name writes them as one word (Lakshmi Narayanan, Lakshminarayanan;
// Shah Rukh, Shahrukh) and no single word of a already matches that word.
// It does not modify a.
func joinCompounds(a, b []token) []token {
	out := make([]token, 0, len(a))
	for i := 0; i < len(a); i++ {
		if i+1 < len(a) && !a[i].initial && !a[i+1].initial {
			if j := newToken(a[i].word + a[i+1].word); joinsUnmatched(j, a, b) {
				out = append(out, j)
				i++
				continue
			}
		}
		out = append(out, a[i])
	}
	return out
}

// joinsUnmatched reports whether the joined word j matches in full a word
// of b that no word of a matches in full.
func joinsUnmatched(j token, a, b []token) bool {
	for _, t := range b {
		if compare(j, t).full() && !anyFull(a, t) {
			return true
		}
	}
	return false
}

func anyFull(ts []token, t token) bool {
	for _, s := range ts {
		if compare(s, t).full() {
			return true
		}
	}
	return false
}
