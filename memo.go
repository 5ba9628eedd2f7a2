package bulkverify

import (
	"context"
	"sync"
)

// Memo remembers answers that the rows of one chunk share, such as a
// DigiLocker account's profile or a refreshed access token, so that each
// is asked of the upstream once per chunk however many rows need it. An
// answer that came with an error is not kept: the next row asks again.
// A nil *Memo keeps nothing. It is safe for concurrent use.
type Memo struct {
	mu      sync.Mutex
	entries map[string]*memoEntry
}

type memoEntry struct {
	done chan struct{}
	val  any
	err  error
}

type memoKey struct{}

// WithMemo returns ctx carrying a new Memo: the worker gives one to each
// chunk it verifies.
func WithMemo(ctx context.Context) context.Context {
	return context.WithValue(ctx, memoKey{}, &Memo{entries: map[string]*memoEntry{}})
}

// MemoFrom returns ctx's Memo, or nil.
func MemoFrom(ctx context.Context) *Memo {
	m, _ := ctx.Value(memoKey{}).(*Memo)
	return m
}

// Do returns the answer kept under key, or calls f, keeps its answer when
// it has no error, and returns it. Callers of the same key while f runs
// wait for it, or for ctx.
func (m *Memo) Do(ctx context.Context, key string, f func() (any, error)) (any, error) {
	if m == nil {
		return f()
	}
	m.mu.Lock()
	if e, ok := m.entries[key]; ok {
		m.mu.Unlock()
		select {
		case <-e.done:
			if e.err == nil {
				return e.val, nil
			}
			return m.Do(ctx, key, f) // it failed: ask again
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	e := &memoEntry{done: make(chan struct{})}
	m.entries[key] = e
	m.mu.Unlock()
	e.val, e.err = f()
	if e.err != nil {
		m.mu.Lock()
		delete(m.entries, key)
		m.mu.Unlock()
	}
	close(e.done)
	return e.val, e.err
}
