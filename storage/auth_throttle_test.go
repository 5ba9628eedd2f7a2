package storage

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify/internal/redistest"
)

func TestAuthThrottleBlocksAKeyPastItsLimitUntilTheWindowCloses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb := redistest.Client(t)
	const window = 700 * time.Millisecond
	th := NewAuthThrottle(rdb, 3, window)

	for i := 1; i <= 3; i++ {
		if wait, err := th.Blocked(ctx, "client:acme", "addr:10.0.0.1"); err != nil || wait != 0 {
			t.Fatalf("before failure %d: got wait %v, err %v; want not blocked", i, wait, err)
		}
		if wait, err := th.Failed(ctx, "client:acme", "addr:10.0.0.1"); err != nil || wait != 0 {
			t.Fatalf("failure %d: got wait %v, err %v; want within the limit of 3", i, wait, err)
		}
	}
	wait, err := th.Blocked(ctx, "client:acme")
	if err != nil || wait <= 0 || wait > window {
		t.Fatalf("after 3 failures: got wait %v, err %v; want blocked for at most %v", wait, err, window)
	}
	t.Run("a fourth failure is past the limit", func(t *testing.T) {
		if wait, err := th.Failed(ctx, "client:acme"); err != nil || wait <= 0 || wait > window {
			t.Errorf("got wait %v, err %v; want blocked for at most %v", wait, err, window)
		}
	})
	t.Run("any blocked key blocks the request", func(t *testing.T) {
		if wait, _ := th.Blocked(ctx, "client:other", "addr:10.0.0.1"); wait <= 0 {
			t.Errorf("got wait %v for another client from the blocked address, want blocked", wait)
		}
	})
	t.Run("other keys are not blocked", func(t *testing.T) {
		if wait, _ := th.Blocked(ctx, "client:other", "addr:10.0.0.2"); wait != 0 {
			t.Errorf("got wait %v, want 0", wait)
		}
	})
	t.Run("a very long key is stored hashed", func(t *testing.T) {
		long := "client:" + strings.Repeat("x", 60_000)
		if _, err := th.Failed(ctx, long); err != nil {
			t.Fatal(err)
		}
		if n := rdb.Exists(ctx, authFailKey(long)).Val(); n != 1 || len(authFailKey(long)) > 100 {
			t.Errorf("got key %q (exists %d), want one short key", authFailKey(long)[:60], n)
		}
	})
	deadline := time.Now().Add(5 * time.Second)
	for {
		wait, err := th.Blocked(ctx, "client:acme", "addr:10.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		if wait == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("still blocked for %v after 5 s, want unblocked once the %v window closed", wait, window)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n := rdb.Exists(ctx, authFailKey("client:acme")).Val(); n != 0 {
		t.Errorf("got the counter still stored, want it gone with its window")
	}
}

func TestAuthThrottleLetsNoConcurrentFailurePastTheLimit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	th := NewAuthThrottle(redistest.Client(t), 10, time.Minute)
	var mu sync.Mutex
	within := 0
	var wg sync.WaitGroup
	for range 100 {
		wg.Go(func() {
			wait, err := th.Failed(ctx, "client:acme")
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			if wait == 0 {
				within++
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	if within != 10 {
		t.Errorf("got %d of 100 concurrent failures within the limit, want exactly 10", within)
	}
}
