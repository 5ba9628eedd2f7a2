package providertest

import (
	"slices"
	"testing"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/simulation"
)

// ClaimCase is a row that declares claims, and how its claims end against
// the simulator's documents.
type ClaimCase struct {
	Row bulkverify.Row
	// Code is the row's final code.
	Code bulkverify.Code
	// Matches are its *_match columns by claim column; a compared claim
	// column it leaves out must be NOT_CLAIMED.
	Matches map[string]bulkverify.Match
}

// testClaims checks what every provider that checks claims must do: each
// claim column it lists has a case that MATCHes and one that MISMATCHes,
// every case ends with its code and matches, and a row without claims has
// every *_match NOT_CLAIMED. A provider without claims has no cases.
func (f Fixture) testClaims(t *testing.T) {
	compared := comparedClaims(f.p.Spec.Claims)
	if len(compared) == 0 {
		if len(f.Claims) > 0 {
			t.Fatalf("got %d claim cases for a provider whose Spec checks no claim, want none", len(f.Claims))
		}
		return
	}
	f.checkClaimCoverage(t, compared)
	e := f.start(t, simulation.Faults{})
	for _, c := range f.Claims {
		res, err := e.v.Verify(t.Context(), c.Row)
		if err != nil || res.Code != c.Code {
			t.Errorf("row %s: got %s/%s, %v (%s), want %s", describe(f.p.Spec, c.Row), res.Status, res.Code, err, res.Message, c.Code)
			continue
		}
		for _, col := range bulkverify.ComparedClaims {
			want, ok := c.Matches[col]
			if !ok {
				want = bulkverify.MatchNotClaimed
			}
			if got := *res.MatchOf(col); got != want {
				t.Errorf("row %s: got %s_match %s, want %s", describe(f.p.Spec, c.Row), col, got, want)
			}
		}
	}
	res, err := e.v.Verify(t.Context(), f.Verified)
	if err == nil && !f.Verified.Claims() {
		for _, col := range bulkverify.ComparedClaims {
			if got := *res.MatchOf(col); got != bulkverify.MatchNotClaimed {
				t.Errorf("a row without claims: got %s_match %s, want NOT_CLAIMED", col, got)
			}
		}
	}
}

// checkClaimCoverage fails unless every compared claim column has a case
// that MATCHes and one that MISMATCHes.
func (f Fixture) checkClaimCoverage(t *testing.T, compared []string) {
	t.Helper()
	for _, col := range compared {
		var seen []bulkverify.Match
		for _, c := range f.Claims {
			seen = append(seen, c.Matches[col])
		}
		for _, want := range []bulkverify.Match{bulkverify.MatchOK, bulkverify.MatchMismatch} {
			if !slices.Contains(seen, want) {
				t.Errorf("no claim case whose %s is %s: add one to the fixture", col, want)
			}
		}
	}
}

// comparedClaims returns the claim columns of claims that are compared
// with the document (refresh_token is not).
func comparedClaims(claims []string) []string {
	var out []string
	for _, c := range claims {
		if slices.Contains(bulkverify.ComparedClaims, c) {
			out = append(out, c)
		}
	}
	return out
}
