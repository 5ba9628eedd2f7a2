package ratelimit

import (
	"container/list"
	"slices"
	"sync"
)

// fairQueue holds the requests waiting for a token, one FIFO per batch, and
// hands tokens to the batches in turn (round-robin), so that a small batch
// is not queued behind a big one's requests. It is safe for concurrent use.
type fairQueue struct {
	mu      sync.Mutex
	waiting map[string]*list.List // batch → FIFO of waiters
	order   []string              // batches with waiters, in turn order
	next    int                   // index in order of the batch served next
	n       int                   // waiters in all lists
	closed  bool
	// changed is signalled (without blocking) when a waiter joins.
	changed chan struct{}
}

// waiter is one request waiting for a token: ready is closed when it gets
// one.
type waiter struct {
	batch string
	ready chan struct{}
	el    *list.Element
}

func newFairQueue() *fairQueue {
	return &fairQueue{waiting: map[string]*list.List{}, changed: make(chan struct{}, 1)}
}

// push adds a waiter for batch; nil once the queue is closed.
func (q *fairQueue) push(batch string) *waiter {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return nil
	}
	l := q.waiting[batch]
	if l == nil {
		l = list.New()
		q.waiting[batch] = l
		q.order = append(q.order, batch)
	}
	w := &waiter{batch: batch, ready: make(chan struct{})}
	w.el = l.PushBack(w)
	q.n++
	select {
	case q.changed <- struct{}{}:
	default:
	}
	return w
}

// remove takes back a waiter that gave up. It reports false when the
// waiter was granted a token meanwhile (the token is spent either way).
func (q *fairQueue) remove(w *waiter) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	select {
	case <-w.ready:
		return false
	default:
	}
	l := q.waiting[w.batch]
	if l == nil { // dropped by close
		return true
	}
	l.Remove(w.el)
	q.n--
	if l.Len() == 0 {
		q.drop(w.batch)
	}
	return true
}

// len returns how many requests wait.
func (q *fairQueue) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.n
}

// grant wakes up to n waiters, one batch after another, and returns how
// many it woke.
func (q *fairQueue) grant(n int) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	woke := 0
	for ; woke < n && q.n > 0; woke++ {
		if q.next >= len(q.order) {
			q.next = 0
		}
		batch := q.order[q.next]
		l := q.waiting[batch]
		w := l.Remove(l.Front()).(*waiter)
		close(w.ready)
		q.n--
		if l.Len() == 0 {
			q.drop(batch) // the next batch moves up to q.next
		} else {
			q.next++
		}
	}
	return woke
}

// close refuses new waiters and returns those still waiting, now removed.
func (q *fairQueue) close() []*waiter {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closed = true
	var out []*waiter
	for _, batch := range q.order {
		for e := q.waiting[batch].Front(); e != nil; e = e.Next() {
			out = append(out, e.Value.(*waiter))
		}
	}
	q.waiting, q.order, q.next, q.n = map[string]*list.List{}, nil, 0, 0
	return out
}

// drop forgets a batch that has no waiters left; q.mu is held.
func (q *fairQueue) drop(batch string) {
	delete(q.waiting, batch)
	i := slices.Index(q.order, batch)
	q.order = slices.Delete(q.order, i, i+1)
	if i < q.next {
		q.next--
	}
}
