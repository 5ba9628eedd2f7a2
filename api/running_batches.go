package api

import (
	"context"
	"sync"
	"time"

	"github.com/bulkverify/bulkverify"
)

// defaultStatusMaxAge is how old an in-progress status the status route
// serves from memory when Server.StatusMaxAge is unset (docs/api.md):
// pollers of a batch in progress cost one Redis read per batch and process
// a second, however many they are. A batch's end is written by a worker,
// not by this process; it is told at once (Server.BatchEnded), so a batch
// that has just finished is not seen a second late, but for a message
// lost while the process reconnects to Redis.
const defaultStatusMaxAge = time.Second

// maxRunning bounds the in-progress batches kept.
const maxRunning = 2048

// runningIdle is how long a batch nobody polls stays kept (as the floor
// of its progress) before a full cache may drop it.
const runningIdle = time.Minute

// runningBatches keeps, per batch in progress that this process was asked
// about, the status data last read from the store, encoded. Pollers of a
// batch cost one store read per max age however many they are: a read
// that expired is shared by every request that arrives while it runs
// (single flight). Progress never goes back here: a read that found fewer
// processed rows than the kept one keeps the kept one. Once this process
// has seen the batch end, nothing kept of it is served again, so its
// ended status (exact, from the store or endedBatches) wins.
type runningBatches struct {
	mu      sync.Mutex
	m       map[string]*runningBatch
	flights map[string]*statusFlight
}

type runningBatch struct {
	tenant    string
	state     bulkverify.State
	processed int
	body      []byte    // the status data, encoded; never changed in place
	read      time.Time // when the store last confirmed it; zero: read again
	used      time.Time
	ended     bool // this process saw the batch end: serve nothing from here
}

// statusFlight is one store read of a batch that concurrent pollers share.
type statusFlight struct {
	done   chan struct{}
	res    statusRead // set before done is closed
	shared int        // the requests waiting for it besides its leader
}

// statusRead is what a flight found: the batch as read and, while it is
// in progress, the status data to send.
type statusRead struct {
	b    bulkverify.Batch
	body []byte
	err  error
}

// wait returns the flight's read once it has landed, or ctx's error.
func (f *statusFlight) wait(ctx context.Context) (statusRead, error) {
	select {
	case <-f.done:
		return f.res, nil
	case <-ctx.Done():
		return statusRead{}, ctx.Err()
	}
}

// statusLookup is the answer of lookup: a kept status (body and its
// tenant), or the flight to wait for, which the caller runs if lead.
type statusLookup struct {
	tenant string
	body   []byte
	flight *statusFlight
	lead   bool
}

// lookup returns the status of id kept less than maxAge before now, or
// else the flight reading it, started if none runs.
func (c *runningBatches) lookup(id string, now time.Time, maxAge time.Duration) statusLookup {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[id]; ok && !e.ended && now.Sub(e.read) < maxAge && !now.Before(e.read) {
		e.used = now
		return statusLookup{tenant: e.tenant, body: e.body}
	}
	if f, ok := c.flights[id]; ok {
		f.shared++
		return statusLookup{flight: f}
	}
	if c.flights == nil {
		c.flights = make(map[string]*statusFlight)
	}
	f := &statusFlight{done: make(chan struct{})}
	c.flights[id] = f
	return statusLookup{flight: f, lead: true}
}

// land keeps what flight f of id read and lets its waiters go. The body
// they get is the kept one when the read found less progress.
func (c *runningBatches) land(id string, f *statusFlight, r statusRead, now time.Time) {
	c.mu.Lock()
	if r.err == nil {
		r.body = c.keepLocked(id, r, now)
	}
	delete(c.flights, id)
	c.mu.Unlock()
	f.res = r
	close(f.done)
}

// keepLocked keeps read r of id and returns the body to send.
func (c *runningBatches) keepLocked(id string, r statusRead, now time.Time) []byte {
	e := c.m[id]
	switch {
	case r.b.State.Ended():
		c.setLocked(id, &runningBatch{tenant: r.b.Tenant, ended: true, used: now}, now)
		return nil
	case e != nil && e.ended:
		return r.body // read before this process saw the end: sent, not kept
	case e != nil && r.b.ProcessedRows < e.processed:
		e.read, e.used = now, now
		return e.body
	}
	c.setLocked(id, &runningBatch{
		tenant: r.b.Tenant, state: r.b.State, processed: r.b.ProcessedRows,
		body: r.body, read: now, used: now,
	}, now)
	return r.body
}

// observe notes b as read by another route (the list, cancel): once it
// has ended nothing kept of it is served again, and a kept status that
// b shows to be behind is read again at the next poll.
func (c *runningBatches) observe(b bulkverify.Batch, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, kept := c.m[b.ID]
	_, flying := c.flights[b.ID]
	switch {
	case b.State.Ended() && (kept || flying):
		c.setLocked(b.ID, &runningBatch{tenant: b.Tenant, ended: true, used: now}, now)
	case kept && !e.ended && (b.State != e.state || b.ProcessedRows > e.processed):
		e.read = time.Time{}
	}
}

// setLocked keeps e as id's, first dropping the batches nobody polled for
// runningIdle when the cache is full, and everything if that is not
// enough.
func (c *runningBatches) setLocked(id string, e *runningBatch, now time.Time) {
	if c.m == nil {
		c.m = make(map[string]*runningBatch)
	}
	if _, ok := c.m[id]; !ok && len(c.m) >= maxRunning {
		for k, old := range c.m {
			if now.Sub(old.used) >= runningIdle {
				delete(c.m, k)
			}
		}
		if len(c.m) >= maxRunning {
			clear(c.m)
		}
	}
	c.m[id] = e
}

// forget drops what is kept of batch id, which another process saw end:
// its next poll reads the store. A read already flying lands as usual;
// what it keeps is read again within the max age.
func (c *runningBatches) forget(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[id]; ok && !e.ended {
		delete(c.m, id)
	}
}
