package storage

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// A worker holds a lease on each chunk it runs, renewed every few seconds,
// so that a chunk whose worker died (kill -9, a lost machine) is found long
// before asynq's own lease (30 s, then up to a minute more) gives it back:
// its lease expires, and a sweeper queues it again.

// ChunkLease is one worker's hold on one chunk. Token tells holders apart.
type ChunkLease struct {
	BatchID string
	Chunk   int
	Token   string
}

func leaseKey(id string, chunk int) string {
	return KeyPrefix + "batch:{" + id + "}:lease:" + strconv.Itoa(chunk)
}
func rescueKey(id string, chunk int) string {
	return KeyPrefix + "batch:{" + id + "}:rescue:" + strconv.Itoa(chunk)
}

// RenewChunkLeases writes the leases for ttl more, in one round trip.
func (s *Batches) RenewChunkLeases(ctx context.Context, leases []ChunkLease, ttl time.Duration) error {
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

var dropLeaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`)

// DropChunkLease ends a lease, unless another holder's renewal replaced it.
func (s *Batches) DropChunkLease(ctx context.Context, l ChunkLease) error {
	if err := dropLeaseScript.Run(ctx, s.rdb, []string{leaseKey(l.BatchID, l.Chunk)}, l.Token).Err(); err != nil {
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
