package storage

import (
	"context"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// dataKeyPage is how many batches' data keys one pipeline reads.
const dataKeyPage = 500

// WrappedDataKeys returns the wrapped data key of every batch that holds
// one, by batch id: the batches not finished yet and those finished and
// not yet expired (an expired or deleted batch has no data key).
func (s *Batches) WrappedDataKeys(ctx context.Context) (map[string]string, error) {
	active, err := s.rdb.SMembers(ctx, activeKey).Result()
	if err != nil {
		return nil, fmt.Errorf("list active batches: %w", err)
	}
	finished, err := s.rdb.ZRange(ctx, finishedKey, 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("list finished batches: %w", err)
	}
	ids := append(active, finished...)
	out := make(map[string]string, len(ids))
	for len(ids) > 0 {
		page := ids[:min(len(ids), dataKeyPage)]
		ids = ids[len(page):]
		cmds := make([]*redis.StringCmd, len(page))
		s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, id := range page {
				cmds[i] = p.HGet(ctx, batchKey(id), "data_key")
			}
			return nil
		})
		for i, c := range cmds {
			k, err := c.Result()
			if errors.Is(err, redis.Nil) || k == "" {
				continue // expired or gone meanwhile
			}
			if err != nil {
				return nil, fmt.Errorf("read the data key of batch %s: %w", page[i], err)
			}
			out[page[i]] = k
		}
	}
	return out, nil
}

// replaceDataKeyScript sets a batch's data_key to ARGV[2] if it is still
// ARGV[1]: KEYS[1] the batch hash. Returns 1 when it did. A batch whose
// key was deleted meanwhile (expired, erased) is left without one.
var replaceDataKeyScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'data_key') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'data_key', ARGV[2])
return 1`)

// ReplaceDataKey stores wrapped, the same data key wrapped anew, as batch
// id's data key if it is still old, and reports whether it did: another
// worker may have re-wrapped it first, or the batch expired.
func (s *Batches) ReplaceDataKey(ctx context.Context, id, old, wrapped string) (bool, error) {
	n, err := replaceDataKeyScript.Run(ctx, s.rdb, []string{batchKey(id)}, old, wrapped).Int()
	if err != nil {
		return false, fmt.Errorf("replace the data key of batch %s: %w", id, err)
	}
	s.dataKeys.forget(id)
	return n == 1, nil
}
