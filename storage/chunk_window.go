package storage

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/bulkverify/bulkverify"
)

// A batch's chunks are released to the queue through a window: at most
// "window" chunks of a batch are queued or running at once, and the next one
// is released when one completes. A big batch then never fills the queue
// ahead of a small one; active batches share the workers in turn.
//
// Releasing is two steps so that a crash between them loses nothing: peek
// at the next chunk, enqueue it under a task ID fixed by the chunk, then
// advance. Two releasers that peek the same chunk enqueue it once (the task
// ID) and advance once (the script checks the index).

// peekChunkScript: ARGV[1] is the ended states joined by ",". A batch
// being stopped releases nothing more.
var peekChunkScript = redis.NewScript(`
local h = redis.call('HMGET', KEYS[1], 'released', 'chunks', 'window', 'state', 'stop')
if not h[2] then return {-3, ''} end
local released, chunks, window = tonumber(h[1]), tonumber(h[2]), tonumber(h[3])
if h[5] or string.find(',' .. ARGV[1] .. ',', ',' .. h[4] .. ',', 1, true) or released >= chunks then return {-1, ''} end
if released - redis.call('SCARD', KEYS[2]) >= window then return {-2, ''} end
return {released, redis.call('HGET', KEYS[3], released) or ''}`)

var advanceChunkScript = redis.NewScript(`
if tonumber(redis.call('HGET', KEYS[1], 'released')) == tonumber(ARGV[1]) then
  redis.call('HINCRBY', KEYS[1], 'released', 1)
  redis.call('SADD', KEYS[2], ARGV[1])
  redis.call('EXPIRE', KEYS[2], ARGV[2])
  return 1
end
return 0`)

// NextChunk returns the index and payload of the batch's next chunk to
// release, or ok=false when every chunk is released or the window is full.
func (s *Batches) NextChunk(ctx context.Context, id string) (index int, payload []byte, ok bool, err error) {
	res, err := peekChunkScript.Run(ctx, s.rdb, []string{batchKey(id), doneKey(id), planKey(id)}, stateList(bulkverify.State.Ended)).Slice()
	if err != nil {
		return 0, nil, false, fmt.Errorf("next chunk of batch %s: %w", id, err)
	}
	idx, _ := res[0].(int64)
	if idx == -3 {
		return 0, nil, false, fmt.Errorf("next chunk of batch %s: %w", id, ErrBatchNotFound)
	}
	if idx < 0 {
		return 0, nil, false, nil
	}
	p, _ := res[1].(string)
	if p == "" {
		return 0, nil, false, fmt.Errorf("next chunk of batch %s: chunk %d has no payload", id, idx)
	}
	return int(idx), []byte(p), true, nil
}

// ChunkReleased records that chunk index of batch id is queued.
func (s *Batches) ChunkReleased(ctx context.Context, id string, index int) error {
	if err := advanceChunkScript.Run(ctx, s.rdb, []string{batchKey(id), inflightKey(id)}, index, int(s.retention/time.Second)).Err(); err != nil {
		return fmt.Errorf("release chunk %d of batch %s: %w", index, id, err)
	}
	return nil
}

// ChunkPayloads returns the payloads of every chunk of the batch, by
// index, as Create stored them. They are kept until the batch finishes.
func (s *Batches) ChunkPayloads(ctx context.Context, id string) (map[int][]byte, error) {
	h, err := s.rdb.HGetAll(ctx, planKey(id)).Result()
	if err != nil {
		return nil, fmt.Errorf("read chunk plan of batch %s: %w", id, err)
	}
	out := make(map[int][]byte, len(h))
	for k, v := range h {
		if n, err := strconv.Atoi(k); err == nil {
			out[n] = []byte(v)
		}
	}
	return out, nil
}

// Active returns the ids of the batches not finished yet.
func (s *Batches) Active(ctx context.Context) ([]string, error) {
	ids, err := s.rdb.SMembers(ctx, activeKey).Result()
	if err != nil {
		return nil, fmt.Errorf("list active batches: %w", err)
	}
	return ids, nil
}

// Forget drops id from the active set: its state expired or it completed.
func (s *Batches) Forget(ctx context.Context, id string) error {
	return s.rdb.SRem(ctx, activeKey, id).Err()
}

// InFlight returns the chunks of batch id released and not yet done.
func (s *Batches) InFlight(ctx context.Context, id string) ([]int, error) {
	members, err := s.rdb.SMembers(ctx, inflightKey(id)).Result()
	if err != nil {
		return nil, fmt.Errorf("chunks in flight of batch %s: %w", id, err)
	}
	out := make([]int, 0, len(members))
	for _, m := range members {
		if n, err := strconv.Atoi(m); err == nil {
			out = append(out, n)
		}
	}
	return out, nil
}
