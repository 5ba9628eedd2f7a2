package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/bulkverify/bulkverify/api"
)

// progress shows a batch's progress while a command waits for it: one bar
// redrawn in place on a terminal, a plain line when the state or the count
// changes otherwise, nothing under --json.
type progress interface {
	update(st api.BatchStatus)
	done()
}

func newProgress(w io.Writer, asJSON bool) progress {
	if asJSON {
		return quietProgress{}
	}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return &barProgress{w: w}
	}
	return &lineProgress{w: w}
}

type quietProgress struct{}

func (quietProgress) update(api.BatchStatus) {}
func (quietProgress) done()                  {}

// barProgress redraws one line: the bar, rows done, percent, the server's
// rows/s and ETA, and the counts by status.
type barProgress struct {
	w   io.Writer
	bar *progressbar.ProgressBar
}

func (p *barProgress) update(st api.BatchStatus) {
	if p.bar == nil {
		p.bar = progressbar.NewOptions(max(st.TotalRows, 1),
			progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetWidth(30),
			progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(false),
			progressbar.OptionFullWidth(),
			progressbar.OptionClearOnFinish(),
			progressbar.OptionThrottle(100*time.Millisecond),
		)
	}
	p.bar.Describe(describe(st))
	p.bar.Set(st.ProcessedRows)
}

func (p *barProgress) done() {
	if p.bar != nil {
		p.bar.Finish()
		fmt.Fprintln(p.w)
	}
}

// lineProgress prints a line when the state or the processed rows change,
// at most every 5 seconds but for state changes: logs stay readable.
type lineProgress struct {
	w     io.Writer
	state string
	rows  int
	at    time.Time
}

func (p *lineProgress) update(st api.BatchStatus) {
	changedState := string(st.State) != p.state
	if !changedState && (st.ProcessedRows == p.rows || time.Since(p.at) < 5*time.Second) {
		return
	}
	p.state, p.rows, p.at = string(st.State), st.ProcessedRows, time.Now()
	fmt.Fprintf(p.w, "%s %d/%d rows (%.1f%%)%s\n", st.State, st.ProcessedRows, st.TotalRows, st.PercentComplete, strings.TrimPrefix(pace(st), ","))
}

func (p *lineProgress) done() {}

// describe is the bar's text: state, pace, ETA and counts.
func describe(st api.BatchStatus) string {
	return fmt.Sprintf("%-10s %s  ✓%d ✗%d !%d", st.State, strings.TrimPrefix(pace(st), ", "), st.Verified, st.NotVerified, st.Failed)
}

// pace renders rows/s and the ETA when the server knows them.
func pace(st api.BatchStatus) string {
	s := ""
	if st.RowsPerSecond > 0 {
		s += fmt.Sprintf(", %.1f rows/s", st.RowsPerSecond)
	}
	if st.ETASeconds != nil && !st.Finished() {
		s += ", ETA " + (time.Duration(*st.ETASeconds) * time.Second).String()
	}
	return s
}

// printStatusJSON prints status data for scripts.
func printStatusJSON(w io.Writer, st api.BatchStatus) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(st)
}
