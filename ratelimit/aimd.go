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
//     upstream accepted of what was really sent, at the last window's
//     share, the background aside, less CutMargin, and put the cut on
//     trial. One window is not enough: a random burst of refusals passes
//     by itself.
//   - The trial pools the VerdictWindows windows that end Hold after the
//     cut (those before still answer the old rate). The 429s were not ours
//     only if the cut lowered what was sent (by half what it meant to, at
//     least) and yet the share fell by less than Tolerance and its excess
//     over Base by less than 1-Helped: they are background, Base becomes
//     the share the trial saw and the rate before the cut comes back at
//     once. Otherwise the cut stays and its rate is the upstream's known
//     limit (Ceiling); if the share is still over the tolerance, the first
//     windows undercounted our excess and another cut follows at once.
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
	// OverZ is how sure a window must be to count as over the tolerance:
	// the lower end of the Wilson score interval of its 429 share, at this
	// many standard deviations, must be over it. A window of ten answers
	// from an upstream that refuses 5% at random shows 20% or 30% now and
	// then by chance, no sign of our excess; our real excess (half the
	// requests refused) is over it at any sample size worth judging.
	OverZ float64
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
	OverZ:          2.33,
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
	EndMS     int64 `json:"end_ms"`
	// LastShare is the 429 share of its last window: the first window of
	// a change mixes answers to the old state and the new.
	LastShare float64 `json:"last_share"`
}

func (t *Tally) add(w Window) *Tally {
	if t == nil {
		t = &Tally{StartMS: w.StartMS}
	}
	n := *t
	n.Windows++
	n.OK += w.OK
	n.Throttled += w.Throttled
	n.EndMS = w.EndMS
	n.LastShare = float64(w.Throttled) / float64(max(1, w.OK+w.Throttled))
	return &n
}

func (t *Tally) share() float64 { return float64(t.Throttled) / float64(max(1, t.OK+t.Throttled)) }

// sent returns the requests answered per second over the tally, or 0 when
// it is too short to tell.
func (t *Tally) sent() float64 {
	secs := float64(t.EndMS-t.StartMS) / 1000
	if secs < 0.5 {
		return 0
	}
	return float64(t.OK+t.Throttled) / secs
}

// Trial is a cut whose effect is not known yet: what it changed, so that
// it can be undone.
type Trial struct {
	AtMS    int64   `json:"at_ms"` // when it was made, on Redis's clock
	Rate    float64 `json:"rate"`
	Ceiling float64 `json:"ceiling"`
	Share   float64 `json:"share"` // the 429 share that caused it
	Sent    float64 `json:"sent"`  // requests/s answered before it
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
	if p.over(s, w.OK, w.Throttled) {
		if s.Over = s.Over.add(w); s.Over.Windows >= p.Confirm {
			return p.cut(s, s.Over, configured)
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
// cut when the trial has its windows. The 429s were not ours only if the
// cut did lower what was sent (by half what it meant to at least: rows
// that wait a Retry-After may send less than the rate allows, and then a
// cut changes little) and
// the share fell by less than Tolerance and its excess over Base by less
// than 1-Helped. Otherwise the cut stays, and a share still over the
// tolerance (the first windows undercounted our excess) cuts again at
// once.
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
	lowered := t.Sent-t.Verdict.sent() >= 0.5*(t.Sent-s.Rate)
	if lowered && t.Share-share < p.Tolerance && share-s.Base > p.Helped*(t.Share-s.Base) {
		// Lowering our rate did not lower the share: not ours.
		s.Base = math.Min(share, 0.9)
		s.Rate, s.Ceiling = t.Rate, t.Ceiling
		return s
	}
	if p.over(s, t.Verdict.OK, t.Verdict.Throttled) {
		return p.cut(s, t.Verdict, configured)
	}
	return s
}

// over reports whether ok and throttled answers show a 429 share over
// Base and the tolerance with confidence (see OverZ). Above the known
// limit the first 429s are the answer: there the share itself counts.
func (p Params) over(s State, ok, throttled int) bool {
	n := float64(ok + throttled)
	if n == 0 {
		return false
	}
	phat, z := float64(throttled)/n, p.OverZ
	if s.Rate > s.Ceiling {
		return phat > s.Base+p.ProbeTolerance
	}
	lower := (phat + z*z/(2*n) - z*math.Sqrt(phat*(1-phat)/n+z*z/(4*n*n))) / (1 + z*z/n)
	return lower > s.Base+p.tolerance(s)
}

// cut lowers the rate to what the upstream accepted of what was sent over
// the tally's windows (at its last window's share), its background
// refusals aside, less the margin, and puts the cut on trial.
func (p Params) cut(s State, tally *Tally, configured float64) State {
	share := tally.LastShare
	sent := s.Rate
	if measured := tally.sent(); measured > 0 {
		// Fewer may have been sent than the rate allows (rows waiting a
		// Retry-After, a low demand).
		sent = math.Min(sent, measured)
	}
	floor := configured * p.MinRate
	s.Over = nil
	s.Trial = &Trial{AtMS: tally.EndMS, Rate: s.Rate, Ceiling: s.Ceiling, Share: share, Sent: sent}
	s.Ceiling = math.Max(floor, sent*(1-share)/(1-s.Base))
	s.Rate = math.Max(floor, s.Ceiling*p.CutMargin)
	return s
}
