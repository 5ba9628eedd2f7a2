package storage

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
)

// store is what the Redis-backed stores of a batch (Batches, Chunks,
// Leases, WebhookLog) share: one client, one clock and the retention
// their keys outlive.
type store struct {
	rdb       redis.UniversalClient
	now       func() time.Time
	retention time.Duration
}

// stateTTL bounds how long a batch's state outlives a process that lost
// track of it: two retentions (its files, then its expired state) and a
// day.
func (s store) stateTTL() time.Duration { return 2*s.retention + 24*time.Hour }

// forget drops id from the active set: its state expired or it completed.
func (s store) forget(ctx context.Context, id string) error {
	return s.rdb.SRem(ctx, activeKey, id).Err()
}
