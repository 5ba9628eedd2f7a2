//go:build chaos

package chaos

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// series is one figure followed over the soak, as the chart draws it and
// the flatness check fits it.
type series struct {
	name   string
	unit   string
	color  string
	judged bool // must be flat after the warm-up
	value  func(sample) float64
}

// soakSeries: memory, goroutines and keys are judged; descriptors are shown.
var soakSeries = []series{
	{"serve RSS", "MB", "#1f77b4", true, func(s sample) float64 { return s.serve.rssMB }},
	// The largest worker: a worker killed -9 starts again small, which
	// would make the mean a sawtooth of the kills.
	{"work RSS (largest)", "MB", "#ff7f0e", true, func(s sample) float64 { return maxOf(s.workers, func(p procSample) float64 { return p.rssMB }) }},
	{"serve goroutines", "", "#2ca02c", true, func(s sample) float64 { return float64(s.serve.goroutines) }},
	{"work goroutines (mean)", "", "#d62728", true, func(s sample) float64 {
		return meanOf(s.workers, func(p procSample) float64 { return float64(p.goroutines) })
	}},
	{"redis used_memory", "MB", "#9467bd", true, func(s sample) float64 { return s.redisMB }},
	{"redis keys (less Idempotency-Key records)", "", "#8c564b", true, func(s sample) float64 { return float64(s.keys) }},
	{"open fds (serve + work)", "", "#7f7f7f", false, func(s sample) float64 {
		return float64(s.serve.fds) + meanOf(s.workers, func(p procSample) float64 { return float64(p.fds) })*float64(len(s.workers))
	}},
}

// meanOf is the mean of f over the processes that answered (f ≥ 0); -1 if
// none did.
func meanOf(ps []procSample, f func(procSample) float64) float64 {
	sum, n := 0.0, 0
	for _, p := range ps {
		if v := f(p); v >= 0 {
			sum += v
			n++
		}
	}
	if n == 0 {
		return -1
	}
	return sum / float64(n)
}

// maxOf is the largest f over the processes, -1 if none answered.
func maxOf(ps []procSample, f func(procSample) float64) float64 {
	m := -1.0
	for _, p := range ps {
		m = max(m, f(p))
	}
	return m
}

// trend is the least-squares slope of a series after the warm-up, as a
// share of its mean per ten minutes.
type trend struct {
	series
	mean, perTen float64 // perTen: the slope × 10 min / mean
	points       int
}

func fit(sr series, samples []sample, warmUp time.Duration) trend {
	var xs, ys []float64
	for _, s := range samples {
		if v := sr.value(s); s.at >= warmUp && v >= 0 {
			xs = append(xs, s.at.Minutes())
			ys = append(ys, v)
		}
	}
	tr := trend{series: sr, points: len(xs)}
	if len(xs) < 3 {
		return tr
	}
	var mx, my float64
	for i := range xs {
		mx += xs[i]
		my += ys[i]
	}
	mx /= float64(len(xs))
	my /= float64(len(xs))
	var sxy, sxx float64
	for i := range xs {
		sxy += (xs[i] - mx) * (ys[i] - my)
		sxx += (xs[i] - mx) * (xs[i] - mx)
	}
	tr.mean = my
	if sxx > 0 && my > 0 {
		tr.perTen = sxy / sxx * 10 / my
	}
	return tr
}

// line is a sample as the log shows it.
func (s sample) line() string {
	var w []string
	for _, p := range s.workers {
		w = append(w, fmt.Sprintf("%.0f", p.rssMB))
	}
	return fmt.Sprintf("%s  batches %d, rows %d, active %d; lost %d, dup %d, wrong %d, unavailable %d; stall %.1fs, p99 10-row %.1fs; RSS serve %.0f MB, work %s MB; goroutines %d/%s; redis %.1f MB, %d keys; fds %d/%s %s",
		clock(s.at), s.batches, s.rows, s.active, s.lost, s.duplicated, s.wrong, s.unavailable, s.stall.Seconds(), s.p99small.Seconds(),
		s.serve.rssMB, strings.Join(w, "/"), s.serve.goroutines, ints(s.workers, func(p procSample) int { return p.goroutines }),
		s.redisMB, s.keys, s.serve.fds, ints(s.workers, func(p procSample) int { return p.fds }), strings.Join(s.events, "; "))
}

func ints(ps []procSample, f func(procSample) int) string {
	var out []string
	for _, p := range ps {
		out = append(out, fmt.Sprint(f(p)))
	}
	return strings.Join(out, "/")
}

func mbs(ps []procSample) string {
	var out []string
	for _, p := range ps {
		out = append(out, fmt.Sprintf("%.0f", p.rssMB))
	}
	return strings.Join(out, "/")
}

// judgeSoak writes the report and fails on a lost, duplicated or wrong row,
// a batch that did not end whole, a stall of 60 s or more, or a judged
// series that grows by 1% or more of its value per ten minutes.
func judgeSoak(t *testing.T, s soakSettings, samples []sample, tr *tracker, planned int) {
	last := samples[len(samples)-1]
	var trends []trend
	for _, sr := range soakSeries {
		trends = append(trends, fit(sr, samples, s.warmUp))
	}
	md, svg := s.reportPaths()
	report := renderSoak(s, samples, trends, tr, planned)
	t.Log("\n" + report)
	if err := os.WriteFile(md, []byte(report), 0o644); err != nil {
		t.Error(err)
	}
	if err := os.WriteFile(svg, []byte(chart(samples, s)), 0o644); err != nil {
		t.Error(err)
	}
	t.Logf("table: %s, chart: %s", md, svg)
	if n := last.lost + last.duplicated + last.wrong; n > 0 {
		t.Errorf("%d rows lost, %d duplicated, %d with a wrong code (%s)", last.lost, last.duplicated, last.wrong, tr.v.kinds())
	}
	if last.batches != planned {
		t.Errorf("%d of %d batches finished whole (%d not submitted, %d ended otherwise)", last.batches, planned, last.submitErrors, last.batchesNotWhole)
	}
	// A request that hangs holds its chunk for BV_UPSTREAM_TIMEOUT (30 s)
	// and a chunk's rows count as processed together: with few batches
	// active, the system can wait that long. Twice as long is not a hang.
	if last.stall >= 60*time.Second {
		t.Errorf("the system made no progress for %v with batches active, want under 60 s (twice the upstream timeout)", last.stall.Round(time.Second))
	}
	for _, tr := range trends {
		if tr.judged && tr.points >= 3 && tr.perTen >= 0.01 {
			t.Errorf("%s grows by %.1f%% of its mean (%.1f %s) per ten minutes after the warm-up, want under 1%%", tr.name, 100*tr.perTen, tr.mean, tr.unit)
		}
	}
}

func renderSoak(s soakSettings, samples []sample, trends []trend, tr *tracker, planned int) string {
	var b strings.Builder
	last := samples[len(samples)-1]
	fmt.Fprintf(&b, "Soak of %v (seed %d): 4 tenants, 4 providers, %d batches planned (%d rows besides one of %d), upstream 10%% 5xx, 5%% 429, 2%% hung, 1%% cut off; a worker killed -9 every %v, redis-server restarted at %v; BV_RETENTION=%v. Warm-up %v.\n\n",
		s.length, s.seed, planned, s.shape.budget, s.shape.biggest, s.killEvery, s.length*11/20, s.retention(), s.warmUp)
	fmt.Fprintf(&b, "Finished: %d batches, %d rows; lost %d, duplicated %d, wrong %d; %d rows UPSTREAM_UNAVAILABLE; not submitted %d, not whole %d; at most %d batches active at once; longest stall %.1f s; p99 time to finish of the %d 10-row batches %.1f s.\n\n",
		last.batches, last.rows, last.lost, last.duplicated, last.wrong, last.unavailable, last.submitErrors, last.batchesNotWhole, tr.maxActive, last.stall.Seconds(), len(tr.small), last.p99small.Seconds())
	tr.mu.Lock()
	fmt.Fprintf(&b, "10-row batches over 10 s, by provider: %v.\n\n", tr.slowSmall)
	tr.mu.Unlock()
	b.WriteString("| figure | mean after warm-up | slope per 10 min | judged |\n|---|---|---|---|\n")
	for _, t := range trends {
		verdict := "shown"
		if t.judged {
			verdict = "flat"
			if t.perTen >= 0.01 {
				verdict = "**grows**"
			}
		}
		fmt.Fprintf(&b, "| %s | %.1f %s | %+.2f%% | %s |\n", t.name, t.mean, t.unit, 100*t.perTen, verdict)
	}
	b.WriteString("\n| time | batches | rows | lost/dup/wrong | unavailable | longest stall | p99 10-row | RSS serve MB | RSS work MB | goroutines serve/work | redis MB | keys | fds serve/work | events |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, sm := range samples {
		fmt.Fprintf(&b, "| %s | %d | %d | %d/%d/%d | %d | %.1f s | %.1f s | %.0f | %s | %d/%s | %.1f | %d | %d/%s | %s |\n",
			clock(sm.at), sm.batches, sm.rows, sm.lost, sm.duplicated, sm.wrong, sm.unavailable, sm.stall.Seconds(), sm.p99small.Seconds(),
			sm.serve.rssMB, mbs(sm.workers), sm.serve.goroutines, ints(sm.workers, func(p procSample) int { return p.goroutines }),
			sm.redisMB, sm.keys, sm.serve.fds, ints(sm.workers, func(p procSample) int { return p.fds }), strings.Join(sm.events, "; "))
	}
	return b.String()
}
