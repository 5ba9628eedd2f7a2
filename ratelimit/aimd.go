package ratelimit

import (
	"math"
	"time"
)

// The adapted rate of one provider (AIMD that tells our own excess from
// random refusals).
//
// Every worker reports its upstream answers (429 or not; 5xx and timeouts
// say nothing about the rate and are left out); they are pooled in Redis in
// windows of Params.Window. Each window with at least MinSample answers is
// judged once, by whichever worker closes it, with Next:
//
//   - The 429s an upstream sends whatever our rate (other callers on a
//     shared quota, a flaky gateway) are the background share, Base. Only
//     the share above it can be ours. Base follows the windows that are
//     not over the threshold below (BaseWeight), so that it settles on a
//     steady background and forgets one that stops.
//   - Confirm windows in a row whose 429 share exceeds Base by more than
//     Tolerance (ProbeTolerance once the rate is above the last known
//     limit, where the first 429s are the answer) cut the rate to what the
//     upstream accepted of what was sent, the background aside, less
//     CutMargin, and put the cut on trial. One window is not enough: a
//     random burst of refusals passes by itself.
//   - The trial pools the VerdictWindows windows that end Hold after the
//     cut (those before still answer the old rate). If the share fell by
//     Tolerance or more, or its excess over Base to at most Helped of what
//     it was, the 429s were ours: the cut stays and its rate is the
//     upstream's known limit (Ceiling); if the share is still over the
//     tolerance, the first windows undercounted our excess and another cut
//     follows at once. If not, lowering our rate does not stop them: they
//     are background, Base becomes the share the trial saw and the rate
//     before the cut comes back at once.
//   - Any other window raises the rate towards the configured one: by
//     FastStep of the configured rate far from the known limit, by SlowStep
//     of that limit near it (-5%..+20%).
//
// A Retry-After is honoured by the request that got it (its row waits that
// long before asking again), never by the provider's whole rate.

// Params are the parameters of Next. DefaultParams documents the values in
// use.
type Params struct {
	// Window is how long answers are pooled before a decision.
	Window time.Duration
	// MinSample is the least answers a window needs to be judged; a
	// window with fewer goes on pooling.
	MinSample int
	// Tolerance is the 429 share above Base that means too fast, at or
	// below the known limit.
	Tolerance float64
	// Confirm is how many windows in a row must be over the tolerance
	// before a cut.
	Confirm int
	// ProbeTolerance replaces Tolerance above the known limit.
	ProbeTolerance float64
	// CutMargin is the share of the accepted rate a cut goes to.
	CutMargin float64
	// Hold is how long after a cut windows are not judged.
	Hold time.Duration
	// VerdictWindows is how many windows after Hold a trial pools.
	VerdictWindows int
	// Helped is the share of the excess that may remain after a cut for
	// the cut to count as having helped.
	Helped float64
	// FastStep and SlowStep are the increases per window, shares of the
	// configured rate and of the known limit.
	FastStep, SlowStep float64
	// BaseWeight is the weight by which Base follows a window that is not
	// over the tolerance.
	BaseWeight float64
	// MinRate is the floor of the rate, a share of the configured rate.
	MinRate float64
}

// DefaultParams are the parameters the limiter runs with.
var DefaultParams = Params{
	Window:         time.Second,
	MinSample:      10,
	Tolerance:      0.05,
	Confirm:        2,
	ProbeTolerance: 0.01,
	CutMargin:      0.97,
	Hold:           2 * time.Second,
	VerdictWindows: 2,
	Helped:         0.5,
	FastStep:       0.05,
	SlowStep:       0.005,
	BaseWeight:     0.05,
	MinRate:        0.05,
}

// State is the adapted rate of one provider, shared by every worker.
type State struct {
	// Rate is the global rate in force, requests/s.
	Rate float64 `json:"rate"`
	// Ceiling is the upstream's limit as last measured (the configured
	// rate until a cut measures one).
	Ceiling float64 `json:"ceiling"`
	// Base is the background share of 429s, which our rate does not
	// explain.
	Base float64 `json:"base"`
	// Over pools the windows in a row over the tolerance.
	Over *Tally `json:"over,omitempty"`
	// Trial is the cut under test, if any.
	Trial *Trial `json:"trial,omitempty"`
}

// Tally pools the answers of a few windows.
type Tally struct {
	Windows   int   `json:"windows"`
	OK        int   `json:"ok"`
	Throttled int   `json:"throttled"`
	StartMS   int64 `json:"start_ms"`
}

func (t *Tally) add(w Window) *Tally {
	if t == nil {
		t = &Tally{StartMS: w.StartMS}
	}
	n := *t
	n.Windows++
	n.OK += w.OK
	n.Throttled += w.Throttled
	return &n
}

func (t *Tally) share() float64 { return float64(t.Throttled) / float64(max(1, t.OK+t.Throttled)) }

// Trial is a cut whose effect is not known yet: what it changed, so that
// it can be undone.
type Trial struct {
	AtMS    int64   `json:"at_ms"` // when it was made, on Redis's clock
	Rate    float64 `json:"rate"`
	Ceiling float64 `json:"ceiling"`
	Share   float64 `json:"share"` // the 429 share that caused it
	// Verdict pools the windows after the hold.
	Verdict *Tally `json:"verdict,omitempty"`
}

// Window is the answers of every worker over one window.
type Window struct {
	OK, Throttled int
	// StartMS and EndMS bound it, on Redis's clock.
	StartMS, EndMS int64
}

// initialState is the state before any window: the configured rate.
func initialState(configured float64) State {
	return State{Rate: configured, Ceiling: configured}
}

// clamp keeps s within what configured allows: the configuration may have
// changed since s was written.
func (p Params) clamp(s State, configured float64) State {
	floor := configured * p.MinRate
	if s.Rate <= 0 || s.Ceiling <= 0 {
		return initialState(configured)
	}
	s.Rate = math.Min(math.Max(s.Rate, floor), configured)
	s.Ceiling = math.Min(s.Ceiling, configured)
	s.Base = math.Min(math.Max(s.Base, 0), 0.9)
	return s
}

// Next returns the state after window w, for a provider configured at
// configured requests/s.
func (p Params) Next(s State, w Window, configured float64) State {
	s = p.clamp(s, configured)
	if w.OK+w.Throttled < p.MinSample {
		return s
	}
	if s.Trial != nil {
		return p.judgeTrial(s, w, configured)
	}
	share := float64(w.Throttled) / float64(w.OK+w.Throttled)
	if share > s.Base+p.tolerance(s) {
		if s.Over = s.Over.add(w); s.Over.Windows >= p.Confirm {
			return p.cut(s, s.Over, w.EndMS, configured)
		}
		return s
	}
	s.Over = nil
	s.Base += p.BaseWeight * (share - s.Base)
	if s.Rate < configured {
		step := p.FastStep * configured
		if s.Rate >= 0.95*s.Ceiling && s.Rate <= 1.2*s.Ceiling {
			step = math.Max(p.SlowStep*s.Ceiling, 0.001*configured)
		}
		s.Rate = math.Min(configured, s.Rate+step)
	}
	return s
}

// tolerance is the 429 share above Base that is too much at s's rate.
func (p Params) tolerance(s State) float64 {
	if s.Rate > s.Ceiling {
		return p.ProbeTolerance
	}
	return p.Tolerance
}

// judgeTrial pools w into the trial once the hold is over, and judges the
// cut when the trial has its windows: it helped when the share fell by
// Tolerance or more, or its excess over Base by at least 1-Helped. A cut
// that helped but not enough (a share still over the tolerance: the first
// windows' share undercounted our excess) is followed by another at once.
func (p Params) judgeTrial(s State, w Window, configured float64) State {
	t := *s.Trial
	s.Trial = &t
	if w.EndMS-t.AtMS < p.Hold.Milliseconds() {
		return s // these 429s still answer the rate before the cut
	}
	if t.Verdict = t.Verdict.add(w); t.Verdict.Windows < p.VerdictWindows {
		return s
	}
	s.Trial = nil
	share := t.Verdict.share()
	if t.Share-share < p.Tolerance && share-s.Base > p.Helped*(t.Share-s.Base) {
		// Lowering our rate did not lower the share: not ours.
		s.Base = math.Min(share, 0.9)
		s.Rate, s.Ceiling = t.Rate, t.Ceiling
		return s
	}
	if share > s.Base+p.tolerance(s) {
		return p.cut(s, t.Verdict, w.EndMS, configured)
	}
	return s
}

// cut lowers the rate to what the upstream accepted of what was sent over
// the tally's windows, its background refusals aside, less the margin, and
// puts the cut on trial.
func (p Params) cut(s State, tally *Tally, endMS int64, configured float64) State {
	share := tally.share()
	sent := s.Rate
	if secs := float64(endMS-tally.StartMS) / 1000; secs >= p.Window.Seconds()/2 {
		// At a low demand far fewer requests were sent than the rate
		// allows; the count of a window is rough (workers report every
		// quarter second), so only a large gap counts.
		if measured := float64(tally.OK+tally.Throttled) / secs; measured < 0.7*sent {
			sent = measured
		}
	}
	floor := configured * p.MinRate
	s.Over = nil
	s.Trial = &Trial{AtMS: endMS, Rate: s.Rate, Ceiling: s.Ceiling, Share: share}
	s.Ceiling = math.Max(floor, sent*(1-share)/(1-s.Base))
	s.Rate = math.Max(floor, s.Ceiling*p.CutMargin)
	return s
}
