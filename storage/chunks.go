package storage

import (
	"time"

	"github.com/redis/go-redis/v9"
)

// Chunks keeps what the workers need of a batch's chunks while they run:
// the window that releases them (chunk_window.go), the leases of running
// deliveries (chunk_leases.go) and the rows each chunk has saved
// (checkpoints.go). Its keys share the batch's hash tag.
type Chunks struct{ store }

// NewChunks returns a Chunks over rdb; its keys expire with the batch's
// state, after retention.
func NewChunks(rdb redis.UniversalClient, now func() time.Time, retention time.Duration) *Chunks {
	return &Chunks{store{rdb: rdb, now: now, retention: retention}}
}
