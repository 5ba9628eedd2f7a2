// Package storage keeps batch state in Redis and batch files in S3.
package storage

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/bulkverify/bulkverify"
)

// KeyPrefix prefixes every Redis key the service writes besides asynq's.
const KeyPrefix = "bv:"

// ErrBatchNotFound is returned for an unknown batch id.
var ErrBatchNotFound = errors.New("batch not found")

// Batches stores batch state and progress in Redis. Every update that
// depends on the current state runs in a Lua script, so any number of
// workers can report the same chunk and it is counted once.
type Batches struct {
	rdb       redis.UniversalClient
	now       func() time.Time
	retention time.Duration
}

// NewBatches returns a Batches over rdb. State expires after retention.
func NewBatches(rdb redis.UniversalClient, now func() time.Time, retention time.Duration) *Batches {
	return &Batches{rdb: rdb, now: now, retention: retention}
}

// The hash tag keeps a batch's keys in one Redis Cluster slot.
func batchKey(id string) string { return KeyPrefix + "batch:{" + id + "}" }
func doneKey(id string) string  { return KeyPrefix + "batch:{" + id + "}:done" }
func planKey(id string) string  { return KeyPrefix + "batch:{" + id + "}:plan" }
func inflightKey(id string) string {
	return KeyPrefix + "batch:{" + id + "}:inflight"
}

// activeKey is the set of batches not yet completed, which the sweeper
// walks.
const activeKey = KeyPrefix + "active"

// Create stores a new batch in state queued with its chunk payloads, by
// chunk index. At most window chunks of the batch are released to the queue
// at a time (see NextChunk).
func (s *Batches) Create(ctx context.Context, b bulkverify.Batch, window int, chunks [][]byte) error {
	key := batchKey(b.ID)
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		plan := make([]any, 0, 2*min(len(chunks), 1000))
		for i, c := range chunks {
			plan = append(plan, i, c)
			if len(plan) == cap(plan) || i == len(chunks)-1 {
				p.HSet(ctx, planKey(b.ID), plan...)
				plan = plan[:0]
			}
		}
		p.Expire(ctx, planKey(b.ID), s.retention)
		p.HSet(ctx, key, map[string]any{
			"window":        window,
			"released":      0,
			"tenant":        b.Tenant,
			"provider":      b.Provider,
			"state":         string(bulkverify.StateQueued),
			"total_rows":    b.TotalRows,
			"rejected_rows": b.RejectedRows,
			"chunks":        b.Chunks,
			"created_at":    b.CreatedAt.UnixMilli(),
		})
		p.Expire(ctx, key, s.retention)
		return nil
	})
	if err != nil {
		return fmt.Errorf("create batch %s: %w", b.ID, err)
	}
	// Outside the transaction: bv:active is in another cluster slot. Should
	// this fail, the batch still runs; only the sweeper does not see it.
	if err := s.rdb.SAdd(ctx, activeKey, b.ID).Err(); err != nil {
		return fmt.Errorf("register batch %s: %w", b.ID, err)
	}
	return nil
}

// Get returns the batch with id, or ErrBatchNotFound.
func (s *Batches) Get(ctx context.Context, id string) (bulkverify.Batch, error) {
	var hget *redis.MapStringStringCmd
	var scard *redis.IntCmd
	var partial *redis.Cmd
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		hget = p.HGetAll(ctx, batchKey(id))
		scard = p.SCard(ctx, doneKey(id))
		partial = inflightRowsScript.Eval(ctx, p, []string{inflightKey(id)}, KeyPrefix+"batch:{"+id+"}:rows:")
		return nil
	})
	if err != nil {
		return bulkverify.Batch{}, fmt.Errorf("get batch %s: %w", id, err)
	}
	h := hget.Val()
	inFlight, _ := partial.Int()
	if len(h) == 0 {
		return bulkverify.Batch{}, ErrBatchNotFound
	}
	n := func(k string) int { v, _ := strconv.Atoi(h[k]); return v }
	t := func(k string) time.Time {
		ms, err := strconv.ParseInt(h[k], 10, 64)
		if err != nil || ms == 0 {
			return time.Time{}
		}
		return time.UnixMilli(ms).UTC()
	}
	return bulkverify.Batch{
		ID:            id,
		Tenant:        h["tenant"],
		Provider:      h["provider"],
		State:         bulkverify.State(h["state"]),
		TotalRows:     n("total_rows"),
		RejectedRows:  n("rejected_rows"),
		Chunks:        n("chunks"),
		DoneChunks:    int(scard.Val()),
		ProcessedRows: min(n("processed_rows")+inFlight, n("total_rows")),
		Verified:      n("verified"),
		NotVerified:   n("not_verified"),
		Failed:        n("failed"),
		CreatedAt:     t("created_at"),
		StartedAt:     t("started_at"),
		CompletedAt:   t("completed_at"),
	}, nil
}

// inflightRowsScript counts the saved rows of the chunks in flight, so that
// progress moves row by row, not chunk by chunk. The rows keys share the
// batch's hash tag, so they live in the same cluster slot.
var inflightRowsScript = redis.NewScript(`
local n = 0
for _, c in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  n = n + redis.call('HLEN', ARGV[1] .. c)
end
return n`)

var startScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'state') == 'queued' then
  redis.call('HSET', KEYS[1], 'state', 'processing', 'started_at', ARGV[1])
  return 1
end
return 0`)

// ChunkIsDone reports whether chunk of batch id is already done.
func (s *Batches) ChunkIsDone(ctx context.Context, id string, chunk int) (bool, error) {
	done, err := s.rdb.SIsMember(ctx, doneKey(id), chunk).Result()
	if err != nil {
		return false, fmt.Errorf("check chunk %d of batch %s: %w", chunk, id, err)
	}
	return done, nil
}

// MarkStarted moves a queued batch to processing; later calls do nothing.
func (s *Batches) MarkStarted(ctx context.Context, id string) error {
	if err := startScript.Run(ctx, s.rdb, []string{batchKey(id)}, s.now().UnixMilli()).Err(); err != nil {
		return fmt.Errorf("mark batch %s started: %w", id, err)
	}
	return nil
}

//go:embed complete_chunk.lua
var completeChunkLua string

var completeChunkScript = redis.NewScript(completeChunkLua)

// ChunkDone is what CompleteChunk found.
type ChunkDone struct {
	// First is true the first time this chunk is reported.
	First bool
	// AllDone is true when every chunk of the batch is done and the batch is
	// not completed yet: the caller must make sure the finalizer is queued.
	AllDone bool
}

// CompleteChunk records chunk of batch id as done and adds its counts, once
// however often it is called for the same chunk.
func (s *Batches) CompleteChunk(ctx context.Context, id string, chunk int, c bulkverify.ChunkCounts) (ChunkDone, error) {
	res, err := completeChunkScript.Run(ctx, s.rdb, []string{batchKey(id), doneKey(id), inflightKey(id)},
		chunk, c.Rows, c.Verified, c.NotVerified, c.Failed, int(s.retention/time.Second)).Int64Slice()
	if err != nil {
		return ChunkDone{}, fmt.Errorf("complete chunk %d of batch %s: %w", chunk, id, err)
	}
	if res[0] < 0 {
		return ChunkDone{}, fmt.Errorf("complete chunk %d of batch %s: %w", chunk, id, ErrBatchNotFound)
	}
	return ChunkDone{First: res[0] == 1, AllDone: res[1] == 1}, nil
}

// MarkCompleted records that the output is ready, with the counts read back
// from it.
func (s *Batches) MarkCompleted(ctx context.Context, id string, c bulkverify.ChunkCounts) error {
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, batchKey(id),
			"state", string(bulkverify.StateCompleted),
			"completed_at", s.now().UnixMilli(),
			"processed_rows", c.Rows,
			"verified", c.Verified,
			"not_verified", c.NotVerified,
			"failed", c.Failed,
		)
		p.Del(ctx, planKey(id))
		return nil
	})
	if err == nil {
		err = s.Forget(ctx, id)
	}
	if err != nil {
		return fmt.Errorf("mark batch %s completed: %w", id, err)
	}
	return nil
}
