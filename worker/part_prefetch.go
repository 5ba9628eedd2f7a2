package worker

import (
	"context"
)

// The finalizer reads parts ahead of the one it writes, as many as hold
// about rowsAhead rows, between minPartsAhead and maxPartsAhead. Reading
// enough at once hides S3's latency: with 20 ms a request and 100-row
// parts, 192 at once keep the writer busy (at 64 reading a million rows
// took 12 s). But the parts read ahead are held decoded, so their count
// must follow their size: 192 parts of a 5,000,000-row batch (2,500 rows
// each) held 550 MB. 20,000 rows are about 20 MB.
const (
	rowsAhead     = 20_000
	minPartsAhead = 8
	maxPartsAhead = 192
)

// partsAhead returns how many parts of chunks of about rowsPerChunk rows
// the finalizer reads ahead.
func partsAhead(rowsPerChunk int) int {
	return min(max(rowsAhead/max(rowsPerChunk, 1), minPartsAhead), maxPartsAhead)
}

// partFetch is one part being read.
type partFetch struct {
	rows chunkRows
	err  error
}

// partPrefetcher reads the parts of chunks 0..n-1 concurrently, at most
// ahead (and the one being handed out) at a time, and hands them out in
// chunk order.
type partPrefetcher struct {
	queue  chan chan partFetch
	cancel context.CancelFunc
}

// prefetchParts starts reading parts with fetch. The caller must call
// close.
func prefetchParts(ctx context.Context, n, ahead int, fetch func(context.Context, int) (chunkRows, error)) *partPrefetcher {
	ctx, cancel := context.WithCancel(ctx)
	p := &partPrefetcher{queue: make(chan chan partFetch, max(ahead, 1)), cancel: cancel}
	go func() {
		defer close(p.queue)
		for i := range n {
			done := make(chan partFetch, 1)
			select {
			case p.queue <- done:
			case <-ctx.Done():
				return
			}
			go func() {
				rows, err := fetch(ctx, i)
				done <- partFetch{rows, err}
			}()
		}
	}()
	return p
}

// next returns the rows of the next chunk.
func (p *partPrefetcher) next(ctx context.Context) (chunkRows, error) {
	select {
	case done, ok := <-p.queue:
		if !ok {
			return chunkRows{}, context.Cause(ctx)
		}
		select {
		case f := <-done:
			return f.rows, f.err
		case <-ctx.Done():
			return chunkRows{}, ctx.Err()
		}
	case <-ctx.Done():
		return chunkRows{}, ctx.Err()
	}
}

// close stops reading; the reads in flight end with their context.
func (p *partPrefetcher) close() { p.cancel() }
