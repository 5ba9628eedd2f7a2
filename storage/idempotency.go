package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// idemPending marks an Idempotency-Key whose request is still running.
const idemPending = "pending"

// ErrIdempotencyPending is returned when a request with the same key is
// still being processed.
var ErrIdempotencyPending = errors.New("a request with this Idempotency-Key is still being processed")

func idemKey(tenant, key string) string { return KeyPrefix + "idem:" + tenant + ":" + key }

// ClaimIdempotencyKey claims key for tenant. It returns ("", nil) when the
// caller holds the claim and must call Resolve or Release, the batch id when
// an earlier request with the key succeeded, or ErrIdempotencyPending.
func (s *Batches) ClaimIdempotencyKey(ctx context.Context, tenant, key string) (string, error) {
	k := idemKey(tenant, key)
	ok, err := s.rdb.SetNX(ctx, k, idemPending, 10*time.Minute).Result()
	if err != nil {
		return "", fmt.Errorf("claim idempotency key: %w", err)
	}
	if ok {
		return "", nil
	}
	v, err := s.rdb.Get(ctx, k).Result()
	if errors.Is(err, redis.Nil) {
		return s.ClaimIdempotencyKey(ctx, tenant, key)
	}
	if err != nil {
		return "", fmt.Errorf("read idempotency key: %w", err)
	}
	if v == idemPending {
		return "", ErrIdempotencyPending
	}
	return v, nil
}

// ResolveIdempotencyKey records that key produced batch id.
func (s *Batches) ResolveIdempotencyKey(ctx context.Context, tenant, key, id string) error {
	if err := s.rdb.Set(ctx, idemKey(tenant, key), id, 24*time.Hour).Err(); err != nil {
		return fmt.Errorf("store idempotency key: %w", err)
	}
	return nil
}

// ReleaseIdempotencyKey forgets a claim whose request failed, so the client
// can retry with the same key.
func (s *Batches) ReleaseIdempotencyKey(ctx context.Context, tenant, key string) {
	s.rdb.Del(context.WithoutCancel(ctx), idemKey(tenant, key))
}
