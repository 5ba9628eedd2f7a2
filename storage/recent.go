package storage

import (
	"sync"
	"time"
)

// recent remembers, for a short while, facts about a batch that never
// change once true (its wrapped data key; that it has started), so that
// each chunk of a batch does not ask Redis again. It holds at most max
// entries, each for at most ttl.
type recent[V any] struct {
	mu  sync.Mutex
	m   map[string]recentEntry[V]
	max int
	ttl time.Duration
}

type recentEntry[V any] struct {
	v  V
	at time.Time
}

func newRecent[V any](max int, ttl time.Duration) *recent[V] {
	return &recent[V]{m: map[string]recentEntry[V]{}, max: max, ttl: ttl}
}

func (r *recent[V]) get(key string, now time.Time) (V, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.m[key]
	if !ok || now.Sub(e.at) >= r.ttl || now.Before(e.at) {
		var zero V
		return zero, false
	}
	return e.v, true
}

func (r *recent[V]) put(key string, v V, now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.m) >= r.max {
		clear(r.m)
	}
	r.m[key] = recentEntry[V]{v: v, at: now}
}

func (r *recent[V]) forget(key string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.m, key)
}
