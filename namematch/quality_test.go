package namematch

import (
	"encoding/csv"
	"os"
	"strconv"
	"testing"
)

// labelled is one row of testdata/pairs.csv.
type labelled struct {
	claimed, held string
	same          bool
	category      string
	split         string // train or heldout
}

func readPairs(t *testing.T, path string) []labelled {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("open pairs: %v", err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("read pairs: %v", err)
	}
	if len(rows) == 0 || len(rows[0]) != 5 || rows[0][0] != "claimed" {
		t.Fatalf("pairs header: got %v, want claimed,held,same,category,split", rows[:min(1, len(rows))])
	}
	var ps []labelled
	for i, r := range rows[1:] {
		same, err := strconv.ParseBool(r[2])
		if err != nil || r[3] == "" || (r[4] != "train" && r[4] != "heldout") {
			t.Fatalf("pairs line %d: got %q, want same true/false, a category and split train/heldout", i+2, r)
		}
		ps = append(ps, labelled{r[0], r[1], same, r[3], r[4]})
	}
	return ps
}

func TestPairsFileIsLargeAndSplit(t *testing.T) {
	counts := map[string]int{}
	positives := 0
	for _, p := range readPairs(t, "testdata/pairs.csv") {
		counts[p.split]++
		if p.same {
			positives++
		}
	}
	total := counts["train"] + counts["heldout"]
	if total < 200 {
		t.Errorf("pairs: got %d, want at least 200", total)
	}
	if counts["train"] == 0 || counts["heldout"] == 0 {
		t.Errorf("pairs per split: got %v, want both train and heldout", counts)
	}
	if positives < total/3 || positives > total*2/3 {
		t.Errorf("positive pairs: got %d of %d, want roughly half", positives, total)
	}
}

// quality is how a matcher did on a set of labelled pairs.
type quality struct{ tp, fp, fn, tn int }

func (q quality) precision() float64 { return float64(q.tp) / float64(max(1, q.tp+q.fp)) }
func (q quality) recall() float64    { return float64(q.tp) / float64(max(1, q.tp+q.fn)) }

func measure(ps []labelled, split string) quality {
	var q quality
	for _, p := range ps {
		if p.split != split {
			continue
		}
		switch got := Match(p.claimed, p.held, DefaultThreshold); {
		case got && p.same:
			q.tp++
		case got:
			q.fp++
		case p.same:
			q.fn++
		default:
			q.tn++
		}
	}
	return q
}

func TestHeldOutQuality(t *testing.T) {
	ps := readPairs(t, "testdata/pairs.csv")
	for _, split := range []string{"train", "heldout"} {
		q := measure(ps, split)
		t.Logf("%s: precision %.3f, recall %.3f (tp %d, fp %d, fn %d, tn %d)",
			split, q.precision(), q.recall(), q.tp, q.fp, q.fn, q.tn)
	}
	q := measure(ps, "heldout")
	if q.precision() < 0.97 {
		t.Errorf("held-out precision at threshold %d: got %.3f, want >= 0.97", DefaultThreshold, q.precision())
	}
	if q.recall() < 0.95 {
		t.Errorf("held-out recall at threshold %d: got %.3f, want >= 0.95", DefaultThreshold, q.recall())
	}
}

// TestFreshPairsQuality measures the matcher on testdata/fresh.csv, pairs
// written after the matcher was first finished, harder on purpose
// (typos, Gujarati suffixes, rarer spellings). Only its train rows were
// used to change the matcher since; its held-out rows are the honest
// estimate of how the matcher does on names nobody tuned it for. Precision
// must stay where pairs.csv needs it; recall is guarded at its measured
// level so that a change that loses matches is noticed.
func TestFreshPairsQuality(t *testing.T) {
	checkQuality(t, "testdata/fresh.csv", 0.97, 0.8)
}

// TestFresh2Quality measures the matcher on testdata/fresh2.csv: 220 pairs,
// all held out, written before the changes that followed fresh.csv
// (final a, ay/ai, end vowels, swapped letters) and never used to tune
// them. Scored once after those changes: precision 0.976, recall 0.919;
// after the fix to initials that it revealed (a name with an initial
// matches itself): 0.977 and 0.926. The recall floor keeps a small margin
// under the first figure.
func TestFresh2Quality(t *testing.T) {
	checkQuality(t, "testdata/fresh2.csv", 0.97, 0.9)
}

// checkQuality logs precision and recall on each split of the pairs in
// path and fails when the held-out ones fall below the floors given.
func checkQuality(t *testing.T, path string, minPrecision, minRecall float64) {
	t.Helper()
	ps := readPairs(t, path)
	for _, split := range []string{"train", "heldout"} {
		q := measure(ps, split)
		if q.tp+q.fp+q.fn+q.tn == 0 {
			continue
		}
		t.Logf("%s %s: precision %.3f, recall %.3f (tp %d, fp %d, fn %d, tn %d)",
			path, split, q.precision(), q.recall(), q.tp, q.fp, q.fn, q.tn)
	}
	q := measure(ps, "heldout")
	if q.precision() < minPrecision {
		t.Errorf("%s held-out precision at threshold %d: got %.3f, want >= %.2f", path, DefaultThreshold, q.precision(), minPrecision)
	}
	if q.recall() < minRecall {
		t.Errorf("%s held-out recall at threshold %d: got %.3f, want >= %.2f", path, DefaultThreshold, q.recall(), minRecall)
	}
}

// pairFiles are every file of labelled pairs.
var pairFiles = []string{"testdata/pairs.csv", "testdata/fresh.csv", "testdata/fresh2.csv"}

func readAllPairs(t *testing.T) []labelled {
	t.Helper()
	var ps []labelled
	for _, f := range pairFiles {
		ps = append(ps, readPairs(t, f)...)
	}
	return ps
}

func TestScoreDoesNotDependOnWhichSideIsClaimed(t *testing.T) {
	for _, p := range readAllPairs(t) {
		if ab, ba := Score(p.claimed, p.held), Score(p.held, p.claimed); ab != ba {
			t.Errorf("Score(%q, %q) = %d but swapped: got %d, want equal", p.claimed, p.held, ab, ba)
		}
	}
}

// TestANameMatchesItself checks that every labelled name with a whole word
// scores 100 against itself, however its initials fall (K. Kavitha,
// S. K. Sharma), and that a name of initials only never matches itself.
func TestANameMatchesItself(t *testing.T) {
	for _, p := range readAllPairs(t) {
		for _, name := range []string{p.claimed, p.held} {
			got := Score(name, name)
			switch whole := hasWholeWord(name); {
			case whole && got != 100:
				t.Errorf("Score(%q, itself): got %d, want 100", name, got)
			case !whole && got >= DefaultThreshold:
				t.Errorf("Score(%q, itself) of initials only: got %d, want < %d", name, got, DefaultThreshold)
			}
		}
	}
}

// hasWholeWord reports whether some reading of name has a word that is
// not an initial.
func hasWholeWord(name string) bool {
	for _, r := range readings(name) {
		for _, tk := range r {
			if !tk.initial {
				return true
			}
		}
	}
	return false
}
