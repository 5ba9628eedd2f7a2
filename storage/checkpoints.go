package storage

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// A chunk's finished rows are saved as they finish, so that a chunk
// delivered again (after a crash, or handed back while its provider
// throttles) does not call the upstream again for them.

// checkpointTTL bounds how long saved rows outlive a chunk that never
// completes.
const checkpointTTL = 24 * time.Hour

// SaveRows saves the encoded results of some rows of a chunk, by row
// number, in one round trip. setTTL sets the key's expiry too: the first
// save of a delivery passes it, the later ones need not.
func (s *Chunks) SaveRows(ctx context.Context, id string, chunk int, results map[int][]byte, setTTL bool) error {
	if len(results) == 0 {
		return nil
	}
	key := rowsKey(id, chunk)
	fields := make([]any, 0, 2*len(results))
	for row, b := range results {
		fields = append(fields, row, b)
	}
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, key, fields...)
		if setTTL {
			p.Expire(ctx, key, checkpointTTL)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("save %d rows of chunk %d of batch %s: %w", len(results), chunk, id, err)
	}
	return nil
}

// SavedRows returns the saved results of a chunk's rows, by row number.
func (s *Chunks) SavedRows(ctx context.Context, id string, chunk int) (map[int][]byte, error) {
	h, err := s.rdb.HGetAll(ctx, rowsKey(id, chunk)).Result()
	if err != nil {
		return nil, fmt.Errorf("read saved rows of chunk %d of batch %s: %w", chunk, id, err)
	}
	out := make(map[int][]byte, len(h))
	for k, v := range h {
		n, err := strconv.Atoi(k)
		if err != nil {
			continue
		}
		out[n] = []byte(v)
	}
	return out, nil
}

// Requeues returns how often a chunk was handed back to the queue because
// its provider throttled.
func (s *Chunks) Requeues(ctx context.Context, id string, chunk int) (int, error) {
	n, err := s.rdb.HGet(ctx, requeuesKey(id), strconv.Itoa(chunk)).Int()
	if err == redis.Nil {
		return 0, nil
	}
	return n, err
}

// AddRequeue counts one more hand-back of a chunk.
func (s *Chunks) AddRequeue(ctx context.Context, id string, chunk int) error {
	key := requeuesKey(id)
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.HIncrBy(ctx, key, strconv.Itoa(chunk), 1)
		p.Expire(ctx, key, s.retention)
		return nil
	})
	return err
}
