//go:build chaos

package chaos

import (
	"fmt"
	"html"
	"strings"
	"time"
)

// chart draws each series of the soak as a line, normalised to its own
// maximum, against the time in minutes, with a dashed mark at each fault and
// a shaded warm-up; plain SVG, no dependency.
func chart(samples []sample, s soakSettings) string {
	const (
		w, h                   = 900, 420
		left, right, top, foot = 60, 250, 30, 50
		pw, ph                 = w - left - right, h - top - foot
	)
	span := max(s.length, samples[len(samples)-1].at).Minutes()
	x := func(at time.Duration) float64 { return left + at.Minutes()/span*pw }
	y := func(share float64) float64 { return top + (1-share)*ph }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", w, h, w, h)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="white"/>`+"\n", w, h)
	fmt.Fprintf(&b, `<text x="%d" y="18" font-size="14">Soak of %v: each figure as a share of its maximum</text>`+"\n", left, s.length)
	fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="#f0f0f0"/>`+"\n", left, top, x(s.warmUp)-left, ph)
	for i := 0; i <= 4; i++ {
		share := float64(i) / 4
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/><text x="%d" y="%.1f" text-anchor="end">%d%%</text>`+"\n", left, y(share), left+pw, y(share), left-6, y(share)+4, i*25)
	}
	step := niceStep(span)
	for m := 0.0; m <= span+1e-9; m += step {
		px := left + m/span*pw
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#999"/><text x="%.1f" y="%d" text-anchor="middle">%g</text>`+"\n", px, top+ph, px, top+ph+5, px, top+ph+18, m)
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">minutes</text>`+"\n", left+pw/2, h-12)
	for _, sm := range samples {
		for _, ev := range sm.events {
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#c00" stroke-dasharray="4 3"><title>%s</title></line>`+"\n", x(sm.at), top, x(sm.at), top+ph, html.EscapeString(ev))
		}
	}
	for i, sr := range soakSeries {
		peak := 0.0
		for _, sm := range samples {
			peak = max(peak, sr.value(sm))
		}
		var pts []string
		for _, sm := range samples {
			if v := sr.value(sm); v >= 0 && peak > 0 {
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(sm.at), y(v/peak)))
			}
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="1.5" points="%s"/>`+"\n", sr.color, strings.Join(pts, " "))
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="3"/><text x="%d" y="%d">%s (max %.0f%s)</text>`+"\n",
			left+pw+12, 40+i*20, left+pw+32, 40+i*20, sr.color, left+pw+38, 44+i*20, html.EscapeString(sr.name), peak, unitSuffix(sr.unit))
	}
	n := len(soakSeries)
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#c00" stroke-dasharray="4 3"/><text x="%d" y="%d">fault (kill -9, Redis restart)</text>`+"\n",
		left+pw+12, 40+n*20, left+pw+32, 40+n*20, left+pw+38, 44+n*20)
	fmt.Fprintf(&b, `<rect x="%d" y="%d" width="20" height="10" fill="#f0f0f0"/><text x="%d" y="%d">warm-up</text>`+"\n", left+pw+12, 35+(n+1)*20, left+pw+38, 44+(n+1)*20)
	b.WriteString("</svg>\n")
	return b.String()
}

func unitSuffix(u string) string {
	if u == "" {
		return ""
	}
	return " " + u
}

// niceStep is a tick interval giving five to ten ticks over span minutes.
func niceStep(span float64) float64 {
	for _, s := range []float64{0.5, 1, 2, 5, 10, 15, 30, 60} {
		if span/s <= 10 {
			return s
		}
	}
	return 120
}
