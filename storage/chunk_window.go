package storage

import (
	"context"
	_ "embed"
	"fmt"
	"strconv"
	"time"

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
//
//go:embed peek_chunk.lua
var peekChunkLua string

var peekChunkScript = newScript[peekChunkArgs](peekChunkLua)

// peekChunkArgs peek at batch id's next chunk.
type peekChunkArgs struct{ id string }

func (a peekChunkArgs) keysArgs() ([]string, []any) {
	return []string{batchKey(a.id), doneKey(a.id), planKey(a.id)}, []any{stateList(bulkverify.State.Ended)}
}

//go:embed advance_chunk.lua
var advanceChunkLua string

var advanceChunkScript = newScript[advanceChunkArgs](advanceChunkLua)

// advanceChunkArgs record chunk index of batch id released; the in-flight
// set is kept for keep.
type advanceChunkArgs struct {
	id    string
	index int
	keep  time.Duration
}

func (a advanceChunkArgs) keysArgs() ([]string, []any) {
	return []string{batchKey(a.id), inflightKey(a.id)}, []any{a.index, int(a.keep / time.Second)}
}

// NextChunk returns the index and payload of the batch's next chunk to
// release, or ok=false when every chunk is released or the window is full.
func (s *Chunks) NextChunk(ctx context.Context, id string) (index int, payload []byte, ok bool, err error) {
	res, err := peekChunkScript.Run(ctx, s.rdb, peekChunkArgs{id}).Slice()
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
func (s *Chunks) ChunkReleased(ctx context.Context, id string, index int) error {
	if err := advanceChunkScript.Run(ctx, s.rdb, advanceChunkArgs{id: id, index: index, keep: s.retention}).Err(); err != nil {
		return fmt.Errorf("release chunk %d of batch %s: %w", index, id, err)
	}
	return nil
}

// ChunkPayloads returns the payloads of every chunk of the batch, by
// index, as Create stored them. They are kept until the batch finishes.
func (s *Chunks) ChunkPayloads(ctx context.Context, id string) (map[int][]byte, error) {
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
func (s *Chunks) Active(ctx context.Context) ([]string, error) {
	ids, err := s.rdb.SMembers(ctx, activeKey).Result()
	if err != nil {
		return nil, fmt.Errorf("list active batches: %w", err)
	}
	return ids, nil
}

// Forget drops id from the active set: its state expired or it completed.
func (s *Chunks) Forget(ctx context.Context, id string) error { return s.forget(ctx, id) }

// InFlight returns the chunks of batch id released and not yet done.
func (s *Chunks) InFlight(ctx context.Context, id string) ([]int, error) {
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

// ChunkIsDone reports whether chunk of batch id is already done.
func (s *Chunks) ChunkIsDone(ctx context.Context, id string, chunk int) (bool, error) {
	done, err := s.rdb.SIsMember(ctx, doneKey(id), chunk).Result()
	if err != nil {
		return false, fmt.Errorf("check chunk %d of batch %s: %w", chunk, id, err)
	}
	return done, nil
}

// DoneChunks returns the indexes of the batch's done chunks.
func (s *Chunks) DoneChunks(ctx context.Context, id string) (map[int]bool, error) {
	members, err := s.rdb.SMembers(ctx, doneKey(id)).Result()
	if err != nil {
		return nil, fmt.Errorf("done chunks of batch %s: %w", id, err)
	}
	out := make(map[int]bool, len(members))
	for _, m := range members {
		if n, err := strconv.Atoi(m); err == nil {
			out[n] = true
		}
	}
	return out, nil
}
