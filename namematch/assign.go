package namematch

// pair is a word of each name matched to the other.
type pair struct {
	kind    kind
	weight  float64
	generic bool // either word is in genericWords
}

// assignment is the best one-to-one matching of the words of two names.
type assignment struct {
	pairs        []pair
	restA, restB []token // words left unmatched on each side
}

// assign matches the words of a and b one to one so that the summed
// credit times weight of the pairs is highest, trying every matching (a
// and b have at most maxWords words each).
func assign(a, b []token) assignment {
	kinds := make([][]kind, len(a))
	for i := range a {
		kinds[i] = make([]kind, len(b))
		for j := range b {
			kinds[i][j] = compare(a[i], b[j])
		}
	}
	best := bestTotals(a, b, kinds)
	return follow(a, b, kinds, best)
}

// bestTotals returns best, where best[i<<len(b)|used] is the highest total
// that a[i:] can reach with the words of b in the bit set used taken.
func bestTotals(a, b []token, kinds [][]kind) []float64 {
	m := len(b)
	best := make([]float64, (len(a)+1)<<m)
	for i := len(a) - 1; i >= 0; i-- {
		for used := 0; used < 1<<m; used++ {
			v := best[(i+1)<<m|used]
			for j := range m {
				if used&(1<<j) == 0 && kinds[i][j] != unrelated {
					v = max(v, value(a[i], b[j], kinds[i][j])+best[(i+1)<<m|used|1<<j])
				}
			}
			best[i<<m|used] = v
		}
	}
	return best
}

// value is what a pair of a and b adds to the total that assign makes
// highest. An initial standing for a word adds only its own weight there,
// so pairing initials with words never outweighs whole words matching each
// other: in S. K. Sharma and S. K. Sharma, S pairs with S, not with
// Sharma. (The score still counts the pair at the word's weight.)
func value(a, b token, k kind) float64 {
	if k == initialOf {
		return k.credit() * min(a.weight(), b.weight())
	}
	return k.credit() * pairWeight(a, b)
}

// follow walks best from the start and returns the matching it describes.
func follow(a, b []token, kinds [][]kind, best []float64) assignment {
	const epsilon = 1e-9
	m := len(b)
	var as assignment
	used := 0
	for i := range a {
		next := -1
		for j := range m {
			if used&(1<<j) != 0 || kinds[i][j] == unrelated {
				continue
			}
			if value(a[i], b[j], kinds[i][j])+best[(i+1)<<m|used|1<<j] >= best[i<<m|used]-epsilon {
				next = j
				break
			}
		}
		if next < 0 {
			as.restA = append(as.restA, a[i])
			continue
		}
		used |= 1 << next
		as.pairs = append(as.pairs, pair{kinds[i][next], pairWeight(a[i], b[next]), a[i].generic || b[next].generic})
	}
	for j := range m {
		if used&(1<<j) == 0 {
			as.restB = append(as.restB, b[j])
		}
	}
	return as
}
