package worker

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/internal/redistest"
	"github.com/bulkverify/bulkverify/storage"
)

// A chunk is leased while its handler holds it, renewed with every Renew,
// and free once released.
func TestLeasesHoldRenewAndRelease(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb := redistest.Client(t)
	chunks := storage.NewLeases(rdb, time.Now, time.Hour)
	l := &Leases{Store: chunks, Every: time.Hour, TTL: 3 * time.Second, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	leased := func() bool {
		m, err := chunks.LeasedChunks(ctx, "b1", []int{4})
		if err != nil {
			t.Fatal(err)
		}
		return m[4]
	}
	crashes, release := l.Hold(ctx, "b1", 4)
	if crashes != 0 {
		t.Errorf("a first delivery found %d crashes, want 0", crashes)
	}
	if !leased() {
		t.Fatal("got chunk 4 free while held, want it leased")
	}
	rdb.PExpire(ctx, "bv:batch:{b1}:lease:4", 10*time.Millisecond) // about to lapse
	if err := l.Renew(ctx); err != nil {
		t.Fatal(err)
	}
	if ttl := rdb.PTTL(ctx, "bv:batch:{b1}:lease:4").Val(); ttl < 2*time.Second {
		t.Errorf("after Renew the lease has %v left, want about the TTL of 3s", ttl)
	}
	release(false)
	if leased() {
		t.Error("got chunk 4 leased after release, want it free")
	}
	if err := l.Renew(ctx); err != nil || leased() {
		t.Errorf("a Renew after release: err %v, leased %v; want the lease gone for good", err, leased())
	}
}

// A delivery that returned is no crash, nor is one a worker told to stop
// hands back (Shutdown); one that panicked is, and so is one whose worker
// died: its lease lapsed and it never returned.
func TestLeasesCountOnlyTheDeliveriesThatCrashed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb := redistest.Client(t)
	chunks := storage.NewLeases(rdb, time.Now, time.Hour)
	l := &Leases{Store: chunks, Every: time.Hour, TTL: time.Minute, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	hold := func() func(bool) {
		t.Helper()
		_, release := l.Hold(ctx, "b1", 0)
		return release
	}
	crashes := func() int {
		t.Helper()
		n, release := l.Hold(ctx, "b1", 0)
		release(false)
		return n
	}
	hold()(false)
	if n := crashes(); n != 0 {
		t.Errorf("after a delivery that returned: got %d crashes, want 0", n)
	}
	hold()
	l.Shutdown()
	if n := crashes(); n != 0 {
		t.Errorf("after a delivery handed back at shutdown: got %d crashes, want 0", n)
	}
	hold()(true)
	if n := crashes(); n != 1 {
		t.Errorf("after a delivery that panicked: got %d crashes, want 1", n)
	}
	dead := &Leases{Store: chunks, Every: time.Hour, TTL: 20 * time.Millisecond, Log: l.Log}
	dead.Hold(ctx, "b1", 0) // its worker dies: no renewal, no release
	deadline := time.Now().Add(10 * time.Second)
	for leased, _ := chunks.LeasedChunks(ctx, "b1", []int{0}); leased[0]; leased, _ = chunks.LeasedChunks(ctx, "b1", []int{0}) {
		if time.Now().After(deadline) {
			t.Fatal("the dead worker's lease did not lapse within 10s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if n := crashes(); n != 2 {
		t.Errorf("after a worker died holding the lease: got %d crashes, want 2", n)
	}
}

// droppingStore is a LeaseStore whose DropChunkLease is DropFunc.
type droppingStore struct {
	*storage.Leases
	DropFunc func(ctx context.Context, l bulkverify.ChunkLease, ended bool) error
}

func (d droppingStore) DropChunkLease(ctx context.Context, l bulkverify.ChunkLease, ended bool) error {
	return d.DropFunc(ctx, l, ended)
}

// A delivery that ended while Redis could not be told (an outage) is told
// with the next renewal: it is no crash.
func TestLeasesTellALateEndWithTheNextRenewal(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb := redistest.Client(t)
	chunks := storage.NewLeases(rdb, time.Now, time.Hour)
	down := true
	store := droppingStore{Leases: chunks, DropFunc: func(ctx context.Context, l bulkverify.ChunkLease, ended bool) error {
		if down {
			return errors.New("redis: connection refused")
		}
		return chunks.DropChunkLease(ctx, l, ended)
	}}
	l := &Leases{Store: store, Every: time.Hour, TTL: 20 * time.Millisecond, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	_, release := l.Hold(ctx, "b1", 0)
	release(false)
	deadline := time.Now().Add(10 * time.Second)
	for leased, _ := chunks.LeasedChunks(ctx, "b1", []int{0}); leased[0]; leased, _ = chunks.LeasedChunks(ctx, "b1", []int{0}) {
		if time.Now().After(deadline) {
			t.Fatal("the lease did not lapse within 10s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	down = false
	if err := l.Renew(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _ := l.Hold(ctx, "b1", 0); n != 0 {
		t.Errorf("after the end was told: got %d crashes, want 0", n)
	}
}
