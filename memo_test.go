package bulkverify

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
)

func TestMemoAsksOncePerKey(t *testing.T) {
	ctx := WithMemo(context.Background())
	m := MemoFrom(ctx)
	var calls atomic.Int32
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := m.Do(ctx, "k", func() (any, error) { calls.Add(1); return "profile", nil })
			if err != nil || v != "profile" {
				t.Errorf("got %v, %v, want profile", v, err)
			}
		}()
	}
	wg.Wait()
	if got := calls.Load(); got != 1 {
		t.Errorf("got %d calls for one key, want 1", got)
	}
}

func TestMemoAsksAgainAfterAnError(t *testing.T) {
	ctx := WithMemo(context.Background())
	m := MemoFrom(ctx)
	calls := 0
	f := func() (any, error) {
		calls++
		if calls == 1 {
			return nil, errors.New("HTTP 503")
		}
		return "ok", nil
	}
	if _, err := m.Do(ctx, "k", f); err == nil {
		t.Fatal("got no error from the first call, want its error")
	}
	if v, err := m.Do(ctx, "k", f); err != nil || v != "ok" || calls != 2 {
		t.Errorf("got %v, %v after %d calls, want ok after 2", v, err, calls)
	}
}

func TestNilMemoAsksEveryTime(t *testing.T) {
	var m *Memo
	calls := 0
	for range 3 {
		m.Do(context.Background(), "k", func() (any, error) { calls++; return nil, nil })
	}
	if calls != 3 {
		t.Errorf("got %d calls, want 3", calls)
	}
}
