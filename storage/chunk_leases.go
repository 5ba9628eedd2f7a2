package storage

import (
	"context"
	_ "embed"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/bulkverify/bulkverify"
)

// A worker holds a lease on each chunk it runs, renewed every few seconds,
// so that a chunk whose worker died (kill -9, a lost machine) is found long
// before asynq's own lease (30 s, then up to a minute more) gives it back:
// its lease expires, and a sweeper queues it again.
//
// The same leases count the deliveries of a chunk that crashed their
// worker, so that a chunk that kills every worker it reaches (out of
// memory, a panic) is not delivered for ever. A batch's crashes hash holds,
// per chunk, the deliveries that took the chunk's lease and have not ended
// of their own accord: taking a lease adds one, a delivery that returns
// (done or with an error) takes it off again when it drops its lease. What
// is left once the lease has lapsed are crashes. Both steps are the
// scripts the lease already ran, so counting costs a chunk no command.

// Leases keeps the leases of the chunks the workers run, the count of
// their crashed deliveries and the sweepers' claims to queue a chunk
// again. Its keys share the batch's hash tag.
type Leases struct{ store }

// NewLeases returns a Leases over rdb; the crash counts expire with the
// batch's state, after retention.
func NewLeases(rdb redis.UniversalClient, now func() time.Time, retention time.Duration) *Leases {
	return &Leases{store{rdb: rdb, now: now, retention: retention}}
}

// takeLeaseScript writes a delivery's lease and counts it open. KEYS[1]
// the chunk's lease, KEYS[2] the batch's crashes hash; ARGV[1] the token,
// ARGV[2] the lease's TTL (ms), ARGV[3] the chunk, ARGV[4] the hash's TTL
// (s). Returns the earlier deliveries still open, less one whose lease is
// live (it is running, not crashed).
//
//go:embed take_lease.lua
var takeLeaseLua string

var takeLeaseScript = newScript[takeLeaseArgs](takeLeaseLua)

// takeLeaseArgs write lease l for ttl; the crashes hash is kept for keep.
type takeLeaseArgs struct {
	l         bulkverify.ChunkLease
	ttl, keep time.Duration
}

func (a takeLeaseArgs) keysArgs() ([]string, []any) {
	return []string{leaseKey(a.l.BatchID, a.l.Chunk), crashesKey(a.l.BatchID)},
		[]any{a.l.Token, a.ttl.Milliseconds(), a.l.Chunk, int(a.keep / time.Second)}
}

// TakeChunkLease writes the lease of a chunk's new delivery for ttl and
// counts the delivery open until DropChunkLease ends it. It returns how
// many earlier deliveries of the chunk crashed: took its lease and never
// ended, and nobody holds the lease now.
func (s *Leases) TakeChunkLease(ctx context.Context, l bulkverify.ChunkLease, ttl time.Duration) (crashes int, err error) {
	n, err := takeLeaseScript.Run(ctx, s.rdb, takeLeaseArgs{l: l, ttl: ttl, keep: s.stateTTL()}).Int()
	if err != nil {
		return 0, fmt.Errorf("take lease of chunk %d of batch %s: %w", l.Chunk, l.BatchID, err)
	}
	return n, nil
}

// RenewChunkLeases writes the leases for ttl more, in one round trip.
func (s *Leases) RenewChunkLeases(ctx context.Context, leases []bulkverify.ChunkLease, ttl time.Duration) error {
	if len(leases) == 0 {
		return nil
	}
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, l := range leases {
			p.Set(ctx, leaseKey(l.BatchID, l.Chunk), l.Token, ttl)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("renew %d chunk leases: %w", len(leases), err)
	}
	return nil
}

// dropLeaseScript ends a lease: KEYS[1] the chunk's lease, KEYS[2] the
// batch's crashes hash; ARGV[1] the token, ARGV[2] the chunk, ARGV[3] "1"
// when the delivery ended of its own accord.
//
//go:embed drop_lease.lua
var dropLeaseLua string

var dropLeaseScript = newScript[dropLeaseArgs](dropLeaseLua)

// dropLeaseArgs end lease l; ended says the delivery returned.
type dropLeaseArgs struct {
	l     bulkverify.ChunkLease
	ended bool
}

func (a dropLeaseArgs) keysArgs() ([]string, []any) {
	end := "0"
	if a.ended {
		end = "1"
	}
	return []string{leaseKey(a.l.BatchID, a.l.Chunk), crashesKey(a.l.BatchID)}, []any{a.l.Token, a.l.Chunk, end}
}

// DropChunkLease ends a lease, unless another holder's renewal replaced it.
// ended says that the delivery ended of its own accord (it returned, done
// or with an error): it no longer counts as open. A delivery that panicked
// passes false and stays counted as a crash, as does one that never
// returns (its worker died) and so never drops its lease.
func (s *Leases) DropChunkLease(ctx context.Context, l bulkverify.ChunkLease, ended bool) error {
	err := dropLeaseScript.Run(ctx, s.rdb, dropLeaseArgs{l: l, ended: ended}).Err()
	if err != nil {
		return fmt.Errorf("drop lease of chunk %d of batch %s: %w", l.Chunk, l.BatchID, err)
	}
	return nil
}

// LeasedChunks returns which of the batch's chunks someone holds a lease on.
func (s *Leases) LeasedChunks(ctx context.Context, id string, chunks []int) (map[int]bool, error) {
	out := make(map[int]bool, len(chunks))
	if len(chunks) == 0 {
		return out, nil
	}
	cmds := make([]*redis.IntCmd, len(chunks))
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, c := range chunks {
			cmds[i] = p.Exists(ctx, leaseKey(id, c))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("chunk leases of batch %s: %w", id, err)
	}
	for i, c := range chunks {
		out[c] = cmds[i].Val() > 0
	}
	return out, nil
}

// ClaimRescue reports whether the caller is the one sweeper, for ttl, to
// queue chunk again.
func (s *Leases) ClaimRescue(ctx context.Context, id string, chunk int, ttl time.Duration) (bool, error) {
	ok, err := s.rdb.SetNX(ctx, rescueKey(id, chunk), "1", ttl).Result()
	if err != nil {
		return false, fmt.Errorf("claim rescue of chunk %d of batch %s: %w", chunk, id, err)
	}
	return ok, nil
}
