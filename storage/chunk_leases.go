package storage

import (
	"context"
	"fmt"
	"strconv"
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

func leaseKey(id string, chunk int) string {
	return KeyPrefix + "batch:{" + id + "}:lease:" + strconv.Itoa(chunk)
}
func rescueKey(id string, chunk int) string {
	return KeyPrefix + "batch:{" + id + "}:rescue:" + strconv.Itoa(chunk)
}

// crashesKey is the hash of a batch's open deliveries by chunk (see above).
func crashesKey(id string) string { return KeyPrefix + "batch:{" + id + "}:crashes" }

// takeLeaseScript writes a delivery's lease and counts it open. KEYS[1]
// the chunk's lease, KEYS[2] the batch's crashes hash; ARGV[1] the token,
// ARGV[2] the lease's TTL (ms), ARGV[3] the chunk, ARGV[4] the hash's TTL
// (s). Returns the earlier deliveries still open, less one whose lease is
// live (it is running, not crashed).
var takeLeaseScript = redis.NewScript(`
local live = redis.call('EXISTS', KEYS[1])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
local open = redis.call('HINCRBY', KEYS[2], ARGV[3], 1)
redis.call('EXPIRE', KEYS[2], ARGV[4])
return math.max(open - 1 - live, 0)`)

// TakeChunkLease writes the lease of a chunk's new delivery for ttl and
// counts the delivery open until DropChunkLease ends it. It returns how
// many earlier deliveries of the chunk crashed: took its lease and never
// ended, and nobody holds the lease now.
func (s *Batches) TakeChunkLease(ctx context.Context, l bulkverify.ChunkLease, ttl time.Duration) (crashes int, err error) {
	n, err := takeLeaseScript.Run(ctx, s.rdb, []string{leaseKey(l.BatchID, l.Chunk), crashesKey(l.BatchID)},
		l.Token, ttl.Milliseconds(), l.Chunk, int(s.stateTTL()/time.Second)).Int()
	if err != nil {
		return 0, fmt.Errorf("take lease of chunk %d of batch %s: %w", l.Chunk, l.BatchID, err)
	}
	return n, nil
}

// RenewChunkLeases writes the leases for ttl more, in one round trip.
func (s *Batches) RenewChunkLeases(ctx context.Context, leases []bulkverify.ChunkLease, ttl time.Duration) error {
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
var dropLeaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
if ARGV[3] == '1' and redis.call('HINCRBY', KEYS[2], ARGV[2], -1) <= 0 then
  redis.call('HDEL', KEYS[2], ARGV[2])
end
return 0`)

// DropChunkLease ends a lease, unless another holder's renewal replaced it.
// ended says that the delivery ended of its own accord (it returned, done
// or with an error): it no longer counts as open. A delivery that panicked
// passes false and stays counted as a crash, as does one that never
// returns (its worker died) and so never drops its lease.
func (s *Batches) DropChunkLease(ctx context.Context, l bulkverify.ChunkLease, ended bool) error {
	end := "0"
	if ended {
		end = "1"
	}
	err := dropLeaseScript.Run(ctx, s.rdb, []string{leaseKey(l.BatchID, l.Chunk), crashesKey(l.BatchID)}, l.Token, l.Chunk, end).Err()
	if err != nil {
		return fmt.Errorf("drop lease of chunk %d of batch %s: %w", l.Chunk, l.BatchID, err)
	}
	return nil
}

// LeasedChunks returns which of the batch's chunks someone holds a lease on.
func (s *Batches) LeasedChunks(ctx context.Context, id string, chunks []int) (map[int]bool, error) {
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
func (s *Batches) ClaimRescue(ctx context.Context, id string, chunk int, ttl time.Duration) (bool, error) {
	ok, err := s.rdb.SetNX(ctx, rescueKey(id, chunk), "1", ttl).Result()
	if err != nil {
		return false, fmt.Errorf("claim rescue of chunk %d of batch %s: %w", chunk, id, err)
	}
	return ok, nil
}
