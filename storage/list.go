package storage

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/bulkverify/bulkverify"
)

// List returns one page of the tenant's batches and how many match in all.
// Ids whose state has expired are dropped from the index as they are met.
func (s *Batches) List(ctx context.Context, q bulkverify.ListQuery) ([]bulkverify.Batch, int, error) {
	key := tenantKey(q.Tenant)
	start := int64((q.Page - 1) * q.PerPage)
	if q.State == "" && q.Provider == "" {
		total, err := s.rdb.ZCard(ctx, key).Result()
		if err != nil {
			return nil, 0, fmt.Errorf("list batches: %w", err)
		}
		ids, err := s.rdb.ZRangeArgs(ctx, redis.ZRangeArgs{Key: key, Start: start, Stop: start + int64(q.PerPage) - 1, Rev: !q.Ascending}).Result()
		if err != nil {
			return nil, 0, fmt.Errorf("list batches: %w", err)
		}
		bs, err := s.getListed(ctx, key, ids)
		return bs, int(total) - (len(ids) - len(bs)), err
	}
	ids, err := s.rdb.ZRangeArgs(ctx, redis.ZRangeArgs{Key: key, Start: 0, Stop: -1, Rev: !q.Ascending}).Result()
	if err != nil {
		return nil, 0, fmt.Errorf("list batches: %w", err)
	}
	cmds := make([]*redis.SliceCmd, len(ids))
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range ids {
			cmds[i] = p.HMGet(ctx, batchKey(id), fieldState, fieldProvider)
		}
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("list batches: %w", err)
	}
	var match, gone []string
	for i, c := range cmds {
		v := c.Val()
		state, _ := v[0].(string)
		provider, _ := v[1].(string)
		switch {
		case state == "":
			gone = append(gone, ids[i])
		case (q.State == "" || bulkverify.State(state) == q.State) && (q.Provider == "" || provider == q.Provider):
			match = append(match, ids[i])
		}
	}
	s.drop(ctx, key, gone)
	if start >= int64(len(match)) {
		return nil, len(match), nil
	}
	page := match[start:min(int(start)+q.PerPage, len(match))]
	bs, err := s.getListed(ctx, key, page)
	return bs, len(match) - (len(page) - len(bs)), err
}

func (s *Batches) getListed(ctx context.Context, key string, ids []string) ([]bulkverify.Batch, error) {
	bs, err := s.GetMany(ctx, ids)
	if err != nil {
		return nil, err
	}
	if len(bs) < len(ids) {
		found := map[string]bool{}
		for _, b := range bs {
			found[b.ID] = true
		}
		var gone []string
		for _, id := range ids {
			if !found[id] {
				gone = append(gone, id)
			}
		}
		s.drop(ctx, key, gone)
	}
	return bs, nil
}

// drop removes ids whose state has expired from a tenant's index.
func (s *Batches) drop(ctx context.Context, key string, ids []string) {
	if len(ids) == 0 {
		return
	}
	members := make([]any, len(ids))
	for i, id := range ids {
		members[i] = id
	}
	s.rdb.ZRem(context.WithoutCancel(ctx), key, members...)
}
