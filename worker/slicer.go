package worker

import (
	"context"
	"fmt"
	"time"

	"github.com/bulkverify/bulkverify/ratelimit"
)

// A chunk holds a worker slot while it runs. When its provider's limit is
// saturated, a chunk runs at a fraction of the shared rate and may hold its
// slot for a minute while it spends most of it waiting for tokens; a small
// batch queued behind would wait as long, since the tokens' round-robin
// between batches helps only a chunk that runs. So such a chunk runs in
// slices: once a slice is over, and a task waits for a slot, it stops
// starting rows, saves the ones it finished and hands its slot back,
// queued again at the tail (a YieldError). The rows still to verify
// are verified by a later delivery, like a chunk handed back for 429s.

// Slicer decides when a running chunk hands its slot back.
type Slicer struct {
	// Slice is how long a chunk runs before it may hand its slot back;
	// 0 never does.
	Slice time.Duration
	// Backlog reports whether a task waits for a slot.
	Backlog interface {
		Waiting(ctx context.Context) bool
	}
}

// slice is one delivery's run under a Slicer.
type slice struct {
	slicer *Slicer
	start  time.Time
	meter  *ratelimit.WaitMeter
}

// begin starts a slice: the returned context meters the rows' waits for
// tokens.
func (s *Slicer) begin(ctx context.Context) (context.Context, *slice) {
	if s == nil || s.Slice <= 0 || s.Backlog == nil {
		return ctx, nil
	}
	sl := &slice{slicer: s, start: time.Now(), meter: &ratelimit.WaitMeter{}}
	return ratelimit.WithWaitMeter(ctx, sl.meter), sl
}

// over reports whether the chunk should stop starting rows and hand its
// slot back: its slice has run out, its rows spent at least half that long
// waiting for tokens (the limit, not the upstream, holds them back: a
// chunk at a saturated limit reads about RowConcurrency times as long, one
// that is not about nothing), and a task waits for a slot.
func (sl *slice) over(ctx context.Context) bool {
	if sl == nil {
		return false
	}
	ran := time.Since(sl.start)
	return ran >= sl.slicer.Slice && sl.meter.Waited() >= ran/2 && sl.slicer.Backlog.Waiting(ctx)
}

// YieldError hands a chunk's slot back when its slice is over (see
// Slicer): its finished rows are saved and it is queued again at once.
// Like a RateLimitError it is not a failure and uses none of the task's
// retries.
type YieldError struct {
	Provider string
	Ran      time.Duration
}

func (e *YieldError) Error() string {
	return fmt.Sprintf("%s chunk ran %v at its saturated rate limit while other work waited: handed its slot back", e.Provider, e.Ran.Round(time.Millisecond))
}
