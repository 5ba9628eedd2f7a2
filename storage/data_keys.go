package storage

import (
	"context"
	_ "embed"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// dataKeyPage is how many batches' data keys one pipeline reads.
const dataKeyPage = 500

// WrappedDataKeys returns the wrapped data key of every batch that holds
// one, by batch id: the batches not finished yet and those finished and
// not yet expired (an expired or deleted batch has no data key).
func (r *Retention) WrappedDataKeys(ctx context.Context) (map[string]string, error) {
	active, err := r.b.rdb.SMembers(ctx, activeKey).Result()
	if err != nil {
		return nil, fmt.Errorf("list active batches: %w", err)
	}
	finished, err := r.b.rdb.ZRange(ctx, finishedKey, 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("list finished batches: %w", err)
	}
	ids := append(active, finished...)
	out := make(map[string]string, len(ids))
	for len(ids) > 0 {
		page := ids[:min(len(ids), dataKeyPage)]
		ids = ids[len(page):]
		cmds := make([]*redis.StringCmd, len(page))
		r.b.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, id := range page {
				cmds[i] = p.HGet(ctx, batchKey(id), fieldDataKey)
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
//
//go:embed replace_data_key.lua
var replaceDataKeyLua string

var replaceDataKeyScript = newScript[replaceDataKeyArgs](replaceDataKeyLua)

// replaceDataKeyArgs set batch id's data key to wrapped if it is old.
type replaceDataKeyArgs struct{ id, old, wrapped string }

func (a replaceDataKeyArgs) keysArgs() ([]string, []any) {
	return []string{batchKey(a.id)}, []any{a.old, a.wrapped}
}

// ReplaceDataKey stores wrapped, the same data key wrapped anew, as batch
// id's data key if it is still old, and reports whether it did: another
// worker may have re-wrapped it first, or the batch expired.
func (r *Retention) ReplaceDataKey(ctx context.Context, id, old, wrapped string) (bool, error) {
	n, err := replaceDataKeyScript.Run(ctx, r.b.rdb, replaceDataKeyArgs{id: id, old: old, wrapped: wrapped}).Int()
	if err != nil {
		return false, fmt.Errorf("replace the data key of batch %s: %w", id, err)
	}
	r.b.dataKeys.forget(id)
	return n == 1, nil
}
