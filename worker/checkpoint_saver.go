package worker

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/bulkverify/bulkverify"
)

// defaultCheckpointEvery is how often a chunk's finished rows are saved
// when Handlers.CheckpointEvery is zero.
const defaultCheckpointEvery = 250 * time.Millisecond

// checkpointSaver saves a chunk's finished rows in batches: every interval
// while the chunk runs, and whatever is left when the chunk is handed back
// or fails. A chunk that completes within one interval writes no
// checkpoint at all, since its part holds its rows. A crash loses at most
// the rows of the last interval, which the next delivery verifies again.
type checkpointSaver struct {
	store    Checkpoints
	batch    string
	chunk    int
	mu       sync.Mutex
	pending  map[int]bulkverify.Result
	saved    bool // the key's expiry is set
	stop     chan struct{}
	finished chan struct{}
}

// startCheckpoints starts saving the rows of chunk every interval until
// stop.
func startCheckpoints(ctx context.Context, store Checkpoints, batch string, chunk int, every time.Duration) *checkpointSaver {
	if every <= 0 {
		every = defaultCheckpointEvery
	}
	s := &checkpointSaver{store: store, batch: batch, chunk: chunk, pending: map[int]bulkverify.Result{},
		stop: make(chan struct{}), finished: make(chan struct{})}
	go func() {
		defer close(s.finished)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				s.flush(ctx) // a failed save is retried at the next tick
			}
		}
	}()
	return s
}

// add records a finished row.
func (s *checkpointSaver) add(r bulkverify.Result) {
	s.mu.Lock()
	s.pending[r.RowNumber] = r
	s.mu.Unlock()
}

// flush saves the rows added since the last flush.
func (s *checkpointSaver) flush(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.pending) == 0 {
		return nil
	}
	enc := make(map[int][]byte, len(s.pending))
	for n, r := range s.pending {
		enc[n], _ = json.Marshal(r) // strings, ints and a bool: cannot fail
	}
	if err := s.store.SaveRows(ctx, s.batch, s.chunk, enc, !s.saved); err != nil {
		return err
	}
	s.saved = true
	clear(s.pending)
	return nil
}

// close stops the ticker; with save set it saves what is left (the chunk
// is handed back or failed and will be delivered again).
func (s *checkpointSaver) close(ctx context.Context, save bool) error {
	close(s.stop)
	<-s.finished
	if !save {
		return nil
	}
	return s.flush(ctx)
}
