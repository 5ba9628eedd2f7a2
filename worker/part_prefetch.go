package worker

import (
	"context"
)

// partsAhead bounds the parts the finalizer reads at once ahead of the one
// it writes: with S3 at 20 ms a request, 192 keep the waiting for a
// million rows (10,000 parts) near one second, in the memory of 192 chunks
// (about 10 MB). Fewer leave the writer idle: at 64, reading took 12 s.
const partsAhead = 192

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
