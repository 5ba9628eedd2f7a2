package worker

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify"
)

// Parts come out in chunk order however their reads finish, with at most
// ahead+1 reads at once, and a failed read is reported for its chunk.
func TestPrefetchedPartsComeInOrderWithBoundedReads(t *testing.T) {
	t.Parallel()
	var inflight, peak atomic.Int32
	fetch := func(ctx context.Context, i int) (chunkRows, error) {
		n := inflight.Add(1)
		defer inflight.Add(-1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		time.Sleep(time.Duration((i*7)%5) * time.Millisecond) // finish out of order
		if i == 40 {
			return chunkRows{}, errors.New("part 40 is gone")
		}
		return chunkRows{rows: []bulkverify.Result{{RowNumber: i + 1}}}, nil
	}
	ctx := context.Background()
	p := prefetchParts(ctx, 50, 8, fetch)
	defer p.close()
	for i := range 40 {
		part, err := p.next(ctx)
		if err != nil || len(part.rows) != 1 || part.rows[0].RowNumber != i+1 {
			t.Fatalf("chunk %d: got %v, %v; want row %d", i, part.rows, err, i+1)
		}
	}
	if _, err := p.next(ctx); err == nil || err.Error() != "part 40 is gone" {
		t.Errorf("chunk 40: got error %v, want the read's error", err)
	}
	if got := peak.Load(); got > 9 || got < 2 {
		t.Errorf("%d reads at once, want between 2 and 9 (8 ahead and the one handed out)", got)
	}
}

// The parts read ahead hold about the same rows whatever their size,
// within the bounds that keep S3's latency hidden.
func TestPartsAheadFollowTheirSize(t *testing.T) {
	t.Parallel()
	for rows, want := range map[int]int{0: maxPartsAhead, 100: maxPartsAhead, 500: 40, 800: 25, 2500: minPartsAhead, 100_000: minPartsAhead} {
		if got := partsAhead(rows); got != want {
			t.Errorf("parts of %d rows: %d read ahead, want %d", rows, got, want)
		}
	}
}
