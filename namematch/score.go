package namematch

import "math"

// The shape of a score. Each cap sits well below DefaultThreshold so that
// no weighting of the matched words can lift such a pair to a match.
const (
	// initialsCap bounds the score when no word matches in full ("S K"
	// and "Sunil Kumar"): an initial stands for a word only beside one.
	initialsCap = 40
	// conflictCap bounds the score when each name has a word the other
	// lacks ("Rahul Sharma" and "Rohit Sharma"): that is another person
	// who shares a surname, or a father's name, with this one.
	conflictCap = 60
	// thinCap bounds the score when one name only adds words to the other
	// but the two share fewer than two whole words, one of them not
	// generic ("Sunil" and "Sunil Kumar", "Kumar Singh" and "Rajesh Kumar
	// Singh"): one given name is too common to identify a person.
	thinCap = 75
	// missingWordCost and missingInitialCost are taken off for each word
	// or initial that only one name has (a middle name left out).
	missingWordCost    = 5
	missingInitialCost = 3
)

// scoreTokens scores the words a of a claimed name against the words b of
// a held one.
func scoreTokens(a, b []token) int {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	a = joinCompounds(a, b)
	b = joinCompounds(b, a)
	as := assign(a, b)
	if len(as.pairs) == 0 {
		return 0
	}
	return min(100, max(0, shape(as)))
}

// shape applies the caps and costs above to an assignment with at least
// one pair.
func shape(as assignment) int {
	earned, total, full, distinct := tally(as.pairs)
	quality := earned / total
	switch {
	case full == 0:
		return round(initialsCap * quality)
	case len(as.restA) > 0 && len(as.restB) > 0:
		rest := weightOf(as.restA) + weightOf(as.restB)
		return min(conflictCap, round(100*earned/(total+rest)))
	}
	s := round(100*quality) - missingCost(as.restA) - missingCost(as.restB)
	if (len(as.restA) > 0 || len(as.restB) > 0) && (full < 2 || distinct == 0) {
		s = min(s, thinCap)
	}
	return s
}

// tally sums the credit earned and the weight of pairs, and counts the
// pairs of whole words and those among them that are not generic.
func tally(pairs []pair) (earned, total float64, full, distinct int) {
	for _, p := range pairs {
		earned += p.kind.credit() * p.weight
		total += p.weight
		if p.kind.full() {
			full++
			if !p.generic {
				distinct++
			}
		}
	}
	return earned, total, full, distinct
}

func weightOf(ts []token) float64 {
	var w float64
	for _, t := range ts {
		w += t.weight()
	}
	return w
}

// missingCost is what the words ts, present in one name only, cost.
func missingCost(ts []token) int {
	c := 0
	for _, t := range ts {
		if t.initial {
			c += missingInitialCost
		} else {
			c += missingWordCost
		}
	}
	return c
}

func round(f float64) int {
	return int(math.Round(f))
}
