package worker

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"sync"
	"time"

	"github.com/bulkverify/bulkverify/storage"
)

// LeaseStore keeps the leases of the chunks a worker runs.
type LeaseStore interface {
	RenewChunkLeases(ctx context.Context, leases []storage.ChunkLease, ttl time.Duration) error
	DropChunkLease(ctx context.Context, l storage.ChunkLease) error
}

var _ LeaseStore = (*storage.Batches)(nil)

// Leases holds a lease on every chunk this worker runs and renews them all
// in one round trip every Every, each for TTL. When the worker dies, its
// leases expire within TTL and the sweepers of the other workers queue its
// chunks again (see Sweeper), instead of waiting for asynq's own lease
// (30 s, and its recoverer runs once a minute).
//
// A nil *Leases holds nothing.
type Leases struct {
	Store LeaseStore
	Every time.Duration
	TTL   time.Duration
	Log   *slog.Logger

	mu   sync.Mutex
	held map[*storage.ChunkLease]struct{}
	loop periodic
}

// Hold takes a lease on a chunk and returns its release.
func (l *Leases) Hold(ctx context.Context, batchID string, chunk int) (release func()) {
	if l == nil {
		return func() {}
	}
	b := make([]byte, 8)
	rand.Read(b)
	lease := &storage.ChunkLease{BatchID: batchID, Chunk: chunk, Token: hex.EncodeToString(b)}
	if err := l.Store.RenewChunkLeases(ctx, []storage.ChunkLease{*lease}, l.TTL); err != nil {
		l.Log.Warn("take chunk lease; renewed with the others", "batch", batchID, "chunk", chunk, "err", err)
	}
	l.mu.Lock()
	if l.held == nil {
		l.held = map[*storage.ChunkLease]struct{}{}
	}
	l.held[lease] = struct{}{}
	l.mu.Unlock()
	return func() {
		l.mu.Lock()
		delete(l.held, lease)
		l.mu.Unlock()
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		if err := l.Store.DropChunkLease(dctx, *lease); err != nil {
			l.Log.Debug("drop chunk lease; it expires on its own", "err", err)
		}
	}
}

// Start renews the leases until Shutdown.
func (l *Leases) Start() { l.loop.start(l.Every, l.Log, "renew chunk leases", l.Renew) }

// Shutdown stops renewing and waits for the renewer to return.
func (l *Leases) Shutdown() {
	if l != nil {
		l.loop.shutdown()
	}
}

// Renew renews every lease held, once.
func (l *Leases) Renew(ctx context.Context) error {
	l.mu.Lock()
	leases := make([]storage.ChunkLease, 0, len(l.held))
	for lease := range l.held {
		leases = append(leases, *lease)
	}
	l.mu.Unlock()
	return l.Store.RenewChunkLeases(ctx, leases, l.TTL)
}
