package ratelimit

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/bulkverify/bulkverify/internal/redistest"
)

// stepper feeds Next one window a second.
type stepper struct {
	p          Params
	s          State
	configured float64
	ms         int64
}

func newStepper(configured float64) *stepper {
	return &stepper{p: DefaultParams, s: initialState(configured), configured: configured}
}

func (st *stepper) window(ok, throttled int) State {
	st.ms += 1000
	st.s = st.p.Next(st.s, Window{OK: ok, Throttled: throttled, StartMS: st.ms - 1000, EndMS: st.ms}, st.configured)
	return st.s
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

func TestNextCutsOurExcessAndKeepsTheCutThatHelped(t *testing.T) {
	st := newStepper(100)
	steps := []struct {
		name          string
		ok, throttled int
		rate          float64
		trial         bool
	}{
		{"a window without 429s keeps the configured rate", 100, 0, 100, false},
		{"one window half throttled is not enough: a random burst passes by itself", 50, 50, 100, false},
		{"a second one cuts to what was accepted, less the margin, on trial", 50, 50, 50 * 0.97, true},
		{"a window within the hold is not judged: its 429s answer the old rate", 50, 50, 48.5, true},
		{"the first window of the verdict is pooled", 100, 0, 48.5, true},
		{"the share fell after the cut: it helped and stays", 100, 0, 48.5, false},
		{"near the new limit a quiet window probes gently", 100, 0, 48.5 + 0.005*50, false},
		{"429s under the tolerance do not cut", 97, 3, 48.75 + 0.005*50, false},
		{"too few answers to judge change nothing", 0, 5, 49, false},
	}
	for _, s := range steps {
		got := st.window(s.ok, s.throttled)
		if !near(got.Rate, s.rate) || (got.Trial != nil) != s.trial {
			t.Fatalf("%s: got rate %.3f (trial %v), want %.3f (trial %v)", s.name, got.Rate, got.Trial != nil, s.rate, s.trial)
		}
	}
	if got := st.s.Ceiling; !near(got, 50) {
		t.Errorf("got the known limit %.3f, want the 50 the upstream accepted", got)
	}
}

// at sends a window of as many answers as the rate allows, the share
// throttled of them.
func (st *stepper) at(throttled float64) State {
	n := int(math.Round(st.s.Rate))
	thr := int(math.Round(throttled * float64(n)))
	return st.window(n-thr, thr)
}

// A thousand answers a window: enough for a 10% share to be surely over a
// 5% tolerance (see Params.OverZ).
func TestNextLearnsRefusalsThatOurRateDoesNotExplain(t *testing.T) {
	st := newStepper(1000)
	for range 5 { // two to cut, one held, two for the verdict
		st.at(0.1)
	}
	if got := st.s; got.Rate != 1000 || got.Ceiling != 1000 || math.Abs(got.Base-0.1) > 0.01 || got.Trial != nil {
		t.Fatalf("after a cut that did not lower the share: got %+v, want rate and limit 1000 back and a background share of 0.1", got)
	}
	for range 2 {
		if got := st.at(0.12); got.Rate != 1000 || got.Trial != nil {
			t.Fatalf("12%% of 429s against a background of 10%%: got rate %.1f, trial %v; want 1000, no cut", got.Rate, got.Trial != nil)
		}
	}
	base := st.s.Base
	st.at(0.2)
	got := st.at(0.2) // 20% > 10% + 5%, twice: ours on top of the background
	if want := 1000 * 0.8 / (1 - base) * 0.97; !near(got.Rate, want) || got.Trial == nil {
		t.Fatalf("20%% against a background of %.3f: got rate %.3f, want %.3f on trial", base, got.Rate, want)
	}
	cut := got.Rate
	for range 3 {
		got = st.at(0.1)
	}
	if got.Trial != nil || !near(got.Rate, cut) {
		t.Errorf("back to the background share after the cut: got %+v, want the cut to %.3f kept", got, cut)
	}
	for range 60 {
		st.at(0)
	}
	if got := st.s; got.Base > 0.01 || got.Rate != 1000 {
		t.Errorf("after a minute without 429s: got background %.4f and rate %.1f, want under 0.01 and the configured 1000", got.Base, got.Rate)
	}
}

// A cut that did not lower what was sent (rows waiting a Retry-After sent
// less than the rate allowed already) proves nothing: the 429s are not
// taken for background, and as the share is still too high, it cuts again.
func TestACutThatSentNoLessProvesNothing(t *testing.T) {
	st := newStepper(400)
	for range 2 {
		st.window(150, 150) // 300 sent, half refused
	}
	if st.s.Trial == nil || !near(st.s.Rate, 300*0.5*0.97) {
		t.Fatalf("got %+v, want a cut to what was accepted of what was sent", st.s)
	}
	for range 3 { // still 300 sent: the rows were waiting, not the rate
		st.window(150, 150)
	}
	if st.s.Base != 0 || st.s.Trial == nil || st.s.Rate >= 150 {
		t.Errorf("got %+v, want no background learned and a second cut on trial", st.s)
	}
}

func TestNextFollowsAChangedConfiguration(t *testing.T) {
	st := newStepper(100)
	st.window(100, 0)
	st.configured = 80
	if got := st.window(100, 0); got.Rate != 80 {
		t.Errorf("after the configured rate is lowered: got %v, want 80", got.Rate)
	}
}

// upstream answers one window of requests: above its limit every request
// is refused, and it refuses the share random of the others whatever the
// rate.
func upstream(rng *rand.Rand, sent int, limit, random float64) (ok, throttled int) {
	for i := range sent {
		if float64(i) >= limit || rng.Float64() < random {
			throttled++
		} else {
			ok++
		}
	}
	return ok, throttled
}

// simulate runs the rate against an upstream for windows seconds and
// returns the rate of each.
func simulate(seed uint64, configured, limit, random float64, windows int) []float64 {
	rng := rand.New(rand.NewPCG(seed, 1))
	st := newStepper(configured)
	rates := make([]float64, windows)
	for i := range rates {
		ok, thr := upstream(rng, int(st.s.Rate), limit, random)
		rates[i] = st.window(ok, thr).Rate
	}
	return rates
}

func mean(xs []float64) float64 {
	sum := 0.0
	for _, x := range xs {
		sum += x
	}
	return sum / float64(len(xs))
}

// The issue 12 case: an upstream that refuses 5% of requests at random.
// Lowering the rate does not stop them, so the rate stays at the
// configured one, but for the few seconds it takes to learn that.
func TestRandomRefusalsDoNotDragTheRateDown(t *testing.T) {
	for seed := range uint64(5) {
		rates := simulate(seed, 200, math.Inf(1), 0.05, 300)
		if m := mean(rates[10:]); m < 0.97*200 {
			t.Errorf("seed %d: mean rate %.1f over windows 10-300, want at least 97%% of 200", seed, m)
		}
	}
}

// Configured at twice what the upstream accepts, the rate converges on the
// upstream's limit within a few windows and stays near it.
func TestRateConvergesOnTheUpstreamLimit(t *testing.T) {
	rates := simulate(1, 200, 100, 0, 40)
	for i, r := range rates[10:] {
		if r < 0.9*100 || r > 1.1*100 {
			t.Fatalf("window %d: rate %.1f, want within 10%% of 100 from window 10 on (all: %.0f)", i+10, r, rates)
		}
	}
}

// The windows right after a change mix answers to the old rate and the
// new (and rows that got a 429 come back a Retry-After later), so a cut
// may at first go less deep than the excess calls for. It must then be
// followed by another, not taken for background refusals.
func TestACutTooShallowIsFollowedByAnother(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 1))
	st := newStepper(400)
	prev := 400.0
	var rates []float64
	for range 30 {
		// Each window's answers are half to this window's rate, half to
		// the last one's.
		ok1, thr1 := upstream(rng, int(st.s.Rate)/2, 100, 0)
		ok2, thr2 := upstream(rng, int(prev)/2, 100, 0)
		prev = st.s.Rate
		rates = append(rates, st.window(ok1+ok2, thr1+thr2).Rate)
	}
	for i, r := range rates[12:] {
		if r < 0.85*200 || r > 1.1*200 {
			t.Fatalf("window %d: rate %.0f, want within -15%%..+10%% of the upstream's 200 from window 12 on (all: %.0f)", i+12, r, rates)
		}
	}
	if st.s.Base > 0.02 {
		t.Errorf("got a background share of %.3f, want about 0: every 429 here was ours", st.s.Base)
	}
}

// Our own excess is still cut when the upstream also refuses at random.
func TestOurExcessIsCutThroughRandomRefusals(t *testing.T) {
	for seed := range uint64(5) {
		rates := simulate(seed, 200, 120, 0.05, 120)
		if m := mean(rates[60:]); m < 0.85*120 || m > 1.1*120 {
			t.Errorf("seed %d: mean rate %.1f over windows 60-120, want within -15%%..+10%% of the upstream's 120 (all: %.0f)", seed, m, rates)
		}
	}
}

// Every worker's answers are pooled in Redis; the worker whose report
// closes a window judges it, and every worker reads the same state back.
func TestSharedRatePoolsEveryWorkersAnswers(t *testing.T) {
	rdb := redistest.Connect(t, redistest.URL(t))
	p := DefaultParams
	p.Window = 0 // every report with enough answers closes a window
	a := &sharedRate{rdb: rdb, key: "bv:limit:p:aimd", configured: 100, params: p}
	b := &sharedRate{rdb: rdb, key: "bv:limit:p:aimd", configured: 100, params: p}
	ctx := context.Background()
	if s, err := a.report(ctx, 5, 0); err != nil || s.Rate != 100 {
		t.Fatalf("5 answers, too few to judge: got %+v, %v; want the configured rate", s, err)
	}
	s, err := b.report(ctx, 0, 5) // with a's 5: 10 answers, half throttled
	if err != nil || s.Rate != 100 || s.Over == nil || s.Over.Windows != 1 {
		t.Fatalf("the report that closed the window: got %+v, %v; want the configured rate, one window over", s, err)
	}
	s, err = a.report(ctx, 5, 5)
	if err != nil || !near(s.Rate, 48.5) || s.Trial == nil {
		t.Fatalf("the report that closed the second window over: got %+v, %v; want rate 48.5 on trial", s, err)
	}
	if s, err := b.report(ctx, 0, 0); err != nil || !near(s.Rate, 48.5) {
		t.Errorf("the other worker reads back %+v, %v; want rate 48.5", s, err)
	}
}

// A small load (a dozen requests a second, far below the configured rate)
// against an upstream that refuses 5% at random: windows of ten or twenty
// answers see 20% or 30% refused by chance now and then, which is no sign
// of our excess. The rate must not be ratcheted down to its floor (the
// soak of issue 21 found it at 10 of 200 requests/s after ten minutes).
func TestRandomRefusalsOfASmallLoadDoNotDragTheRateDown(t *testing.T) {
	for seed := range uint64(5) {
		rng := rand.New(rand.NewPCG(seed, 2))
		st := newStepper(200)
		var rates []float64
		for range 1200 {
			sent := min(int(st.s.Rate), 12)
			ok, thr := upstream(rng, sent, math.Inf(1), 0.05)
			rates = append(rates, st.window(ok, thr).Rate)
		}
		if m := mean(rates[60:]); m < 0.9*200 {
			t.Errorf("seed %d: mean rate %.1f, want at least 90%% of 200 (min %.0f)", seed, m, slices.Min(rates))
		}
	}
}
