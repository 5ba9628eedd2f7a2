package jobs

import (
	"context"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Backlog tells a running chunk whether tasks are waiting for a worker
// slot: chunks of any batch, or a finalizer. A chunk slowed by its
// provider's saturated limit hands its slot back only when one is (see
// worker.Slicer), so that a small batch never waits behind a big one's
// chunks and a lone batch is not interrupted for nothing.
//
// It reads the length of asynq's pending lists, at most once per Every
// however many chunks ask.
type Backlog struct {
	RDB   redis.UniversalClient
	Every time.Duration

	mu      sync.Mutex
	at      time.Time
	waiting bool
}

// backlogQueues are the queues whose pending tasks want a slot that a
// chunk can give back: webhook deliveries wait on the receivers, not on
// the slots.
var backlogQueues = []string{QueueChunks, QueueFinalize}

// pendingKey is asynq's list of the pending tasks of queue q (its
// internal base.PendingKey; TestBacklogSeesPendingTasks holds it to
// asynq's real layout).
func pendingKey(q string) string { return "asynq:{" + q + "}:pending" }

// Waiting reports whether a task waits for a slot, as read at most Every
// ago. A read that fails reports false: a chunk then keeps its slot, as it
// would without a backlog.
func (b *Backlog) Waiting(ctx context.Context) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.at.IsZero() && time.Since(b.at) < b.Every {
		return b.waiting
	}
	cmds, err := b.RDB.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, q := range backlogQueues {
			p.LLen(ctx, pendingKey(q))
		}
		return nil
	})
	b.at, b.waiting = time.Now(), false
	if err != nil {
		return false
	}
	for _, c := range cmds {
		if c.(*redis.IntCmd).Val() > 0 {
			b.waiting = true
		}
	}
	return b.waiting
}
