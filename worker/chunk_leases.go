package worker

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"sync"
	"time"

	"github.com/bulkverify/bulkverify"
)

// LeaseStore keeps the leases of the chunks a worker runs and counts the
// deliveries that crashed (see storage.Batches.TakeChunkLease).
type LeaseStore interface {
	TakeChunkLease(ctx context.Context, l bulkverify.ChunkLease, ttl time.Duration) (crashes int, err error)
	RenewChunkLeases(ctx context.Context, leases []bulkverify.ChunkLease, ttl time.Duration) error
	DropChunkLease(ctx context.Context, l bulkverify.ChunkLease, ended bool) error
}

// Leases holds a lease on every chunk this worker runs and renews them all
// in one round trip every Every, each for TTL. When the worker dies, its
// leases expire within TTL and the sweepers of the other workers queue its
// chunks again (see Sweeper), instead of waiting for asynq's own lease
// (30 s, and its recoverer runs once a minute). The leases also count the
// deliveries of a chunk that crashed their worker: the next delivery
// learns how many there were when it takes its lease.
//
// A nil *Leases holds nothing and counts no crash.
type Leases struct {
	Store LeaseStore
	Every time.Duration
	TTL   time.Duration
	Log   *slog.Logger

	mu   sync.Mutex
	held map[*heldLease]struct{}
	// unended are the leases of deliveries that ended while Redis could
	// not be told (an outage): Renew tells it, so that they do not count
	// as crashes.
	unended []bulkverify.ChunkLease
	loop    periodic
}

// heldLease is a lease this worker holds; counted says that taking it
// counted the delivery open, so that dropping it must end it.
type heldLease struct {
	bulkverify.ChunkLease
	counted bool
}

// Hold takes a lease on a chunk for a new delivery and returns how many
// earlier deliveries of the chunk crashed, and the lease's release: with
// crashed (the delivery panicked), the delivery stays counted as a crash.
func (l *Leases) Hold(ctx context.Context, batchID string, chunk int) (crashes int, release func(crashed bool)) {
	if l == nil {
		return 0, func(bool) {}
	}
	b := make([]byte, 8)
	rand.Read(b)
	lease := &heldLease{ChunkLease: bulkverify.ChunkLease{BatchID: batchID, Chunk: chunk, Token: hex.EncodeToString(b)}}
	crashes, err := l.Store.TakeChunkLease(ctx, lease.ChunkLease, l.TTL)
	if err != nil {
		l.Log.Warn("take chunk lease; renewed with the others, its crashes not counted", "batch", batchID, "chunk", chunk, "err", err)
	}
	lease.counted = err == nil
	l.mu.Lock()
	if l.held == nil {
		l.held = map[*heldLease]struct{}{}
	}
	l.held[lease] = struct{}{}
	l.mu.Unlock()
	return crashes, func(crashed bool) { l.drop(ctx, lease, !crashed) }
}

// drop ends a held lease once, whoever asks first: its delivery, or
// Shutdown.
func (l *Leases) drop(ctx context.Context, lease *heldLease, ended bool) {
	l.mu.Lock()
	_, ok := l.held[lease]
	delete(l.held, lease)
	l.mu.Unlock()
	if !ok {
		return
	}
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	ended = ended && lease.counted
	if err := l.Store.DropChunkLease(dctx, lease.ChunkLease, ended); err != nil {
		l.Log.Warn("drop chunk lease; it expires on its own, its end is told with the next renewal", "batch", lease.BatchID, "chunk", lease.Chunk, "err", err)
		if ended {
			l.mu.Lock()
			l.unended = append(l.unended, lease.ChunkLease)
			l.mu.Unlock()
		}
	}
}

// Start renews the leases until Shutdown.
func (l *Leases) Start() { l.loop.start(l.Every, l.Log, "renew chunk leases", l.Renew) }

// Shutdown stops renewing, waits for the renewer to return and drops the
// leases still held: their chunks were handed back by a worker told to
// stop (see BV_SHUTDOWN_TIMEOUT), which is no crash.
func (l *Leases) Shutdown() {
	if l == nil {
		return
	}
	l.loop.shutdown()
	l.mu.Lock()
	held := make([]*heldLease, 0, len(l.held))
	for lease := range l.held {
		held = append(held, lease)
	}
	l.mu.Unlock()
	for _, lease := range held {
		l.drop(context.Background(), lease, true)
	}
	l.endUnended(context.Background())
}

// Renew renews every lease held, once, and tells Redis of the deliveries
// that ended while it could not be told.
func (l *Leases) Renew(ctx context.Context) error {
	l.mu.Lock()
	leases := make([]bulkverify.ChunkLease, 0, len(l.held))
	for lease := range l.held {
		leases = append(leases, lease.ChunkLease)
	}
	l.mu.Unlock()
	if err := l.Store.RenewChunkLeases(ctx, leases, l.TTL); err != nil {
		return err
	}
	return l.endUnended(ctx)
}

// endUnended tells Redis of the deliveries that ended while it could not
// be told; those it still cannot tell wait for the next call.
func (l *Leases) endUnended(ctx context.Context) error {
	l.mu.Lock()
	unended := l.unended
	l.unended = nil
	l.mu.Unlock()
	for i, lease := range unended {
		if err := l.Store.DropChunkLease(ctx, lease, true); err != nil {
			l.mu.Lock()
			l.unended = append(l.unended, unended[i:]...)
			l.mu.Unlock()
			return err
		}
	}
	return nil
}
