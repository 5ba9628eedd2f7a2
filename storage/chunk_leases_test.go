package storage

import (
	"context"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify"
)

// The deliveries of a chunk that took its lease and never ended (their
// worker died, or they panicked) are the chunk's crashes; deliveries that
// ended, or that still hold the lease, are not.
func TestChunkLeasesCountTheDeliveriesThatCrashed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newBatches(t)
	lease := func(token string) bulkverify.ChunkLease {
		return bulkverify.ChunkLease{BatchID: "b1", Chunk: 2, Token: token}
	}
	take := func(token string) int {
		t.Helper()
		n, err := leasesOf(s).TakeChunkLease(ctx, lease(token), time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	drop := func(token string, ended bool) {
		t.Helper()
		if err := leasesOf(s).DropChunkLease(ctx, lease(token), ended); err != nil {
			t.Fatal(err)
		}
	}
	lapse := func() { s.rdb.Del(ctx, leaseKey("b1", 2)) } // what its expiry does

	steps := []struct {
		name string
		run  func() int
		want int
	}{
		{"a first delivery finds no crash", func() int { return take("d1") }, 0},
		{"after one that ended (done or with an error), none", func() int { drop("d1", true); return take("d2") }, 0},
		{"one that holds the lease is running, not crashed", func() int { return take("d3") }, 0},
		{"once its lease lapsed, a delivery that never ended is a crash", func() int { lapse(); return take("d4") }, 2},
		{"a panic (dropped, not ended) is a crash too", func() int { drop("d4", false); return take("d5") }, 3},
		{"a crashed delivery that ends late is no longer counted", func() int { drop("d2", true); drop("d3", true); drop("d5", true); lapse(); return take("d6") }, 1},
	}
	for _, st := range steps {
		if got := st.run(); got != st.want {
			t.Errorf("%s: got %d crashes, want %d", st.name, got, st.want)
		}
	}
	if other, err := leasesOf(s).TakeChunkLease(ctx, bulkverify.ChunkLease{BatchID: "b1", Chunk: 3, Token: "x"}, time.Minute); err != nil || other != 0 {
		t.Errorf("another chunk of the batch: got %d crashes (%v), want 0: each chunk counts its own", other, err)
	}
}

// The crash counts live as long as the batch's state and go with it.
func TestChunkCrashCountsExpireAndAreErasedWithTheBatch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newBatches(t)
	if err := s.Create(ctx, bulkverify.Batch{ID: "b1", Tenant: "t", Provider: "digilocker", TotalRows: 1, Chunks: 1, CreatedAt: time.Now()}, 1, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := leasesOf(s).TakeChunkLease(ctx, bulkverify.ChunkLease{BatchID: "b1", Chunk: 0, Token: "d1"}, time.Minute); err != nil {
		t.Fatal(err)
	}
	if ttl := s.rdb.TTL(ctx, crashesKey("b1")).Val(); ttl < s.stateTTL()-time.Minute || ttl > s.stateTTL() {
		t.Errorf("crash counts expire in %v, want the batch state's %v", ttl, s.stateTTL())
	}
	if err := s.MarkFinished(ctx, "b1", bulkverify.StateCompleted, bulkverify.ChunkCounts{Rows: 1, Verified: 1}); err != nil {
		t.Fatal(err)
	}
	if err := s.Erase(ctx, bulkverify.Batch{ID: "b1", Tenant: "t", Chunks: 1}); err != nil {
		t.Fatal(err)
	}
	if n := s.rdb.Exists(ctx, crashesKey("b1")).Val(); n != 0 {
		t.Error("the batch's crash counts outlived its erasure")
	}
}
