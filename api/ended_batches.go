package api

import (
	"sync"
	"time"

	"github.com/bulkverify/bulkverify"
)

// endedTTL is how long the status route serves an ended batch from
// memory: a backend polling a finished batch costs no Redis read, and
// another instance's DELETE shows here within this time.
const endedTTL = time.Second

// maxEnded bounds the ended batches kept.
const maxEnded = 4096

// endedBatches keeps batches that have ended for endedTTL. An ended batch
// changes only by expiring, at its known expires_at, and by being deleted
// (which forgets it here at once).
type endedBatches struct {
	mu sync.Mutex
	m  map[string]endedBatch
}

type endedBatch struct {
	b     bulkverify.Batch
	until time.Time
}

func (c *endedBatches) get(id string, now time.Time) (bulkverify.Batch, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[id]
	if !ok || !now.Before(e.until) {
		return bulkverify.Batch{}, false
	}
	return e.b, true
}

// put keeps b if it has ended, until endedTTL from now or its expiry,
// whichever comes first.
func (c *endedBatches) put(b bulkverify.Batch, now time.Time) {
	if !b.State.Ended() {
		return
	}
	until := now.Add(endedTTL)
	if !b.ExpiresAt.IsZero() && b.ExpiresAt.Before(until) {
		until = b.ExpiresAt
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[string]endedBatch)
	}
	if len(c.m) >= maxEnded {
		for id, e := range c.m {
			if !now.Before(e.until) {
				delete(c.m, id)
			}
		}
		if len(c.m) >= maxEnded {
			clear(c.m)
		}
	}
	c.m[b.ID] = endedBatch{b: b, until: until}
}

func (c *endedBatches) forget(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, id)
}
