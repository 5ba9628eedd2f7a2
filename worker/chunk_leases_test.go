package worker

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify/internal/redistest"
	"github.com/bulkverify/bulkverify/storage"
)

// A chunk is leased while its handler holds it, renewed with every Renew,
// and free once released.
func TestLeasesHoldRenewAndRelease(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.Connect(t, redistest.URL(t))
	batches := storage.NewBatches(rdb, time.Now, time.Hour)
	l := &Leases{Store: batches, Every: time.Hour, TTL: 3 * time.Second, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	leased := func() bool {
		m, err := batches.LeasedChunks(ctx, "b1", []int{4})
		if err != nil {
			t.Fatal(err)
		}
		return m[4]
	}
	release := l.Hold(ctx, "b1", 4)
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
	release()
	if leased() {
		t.Error("got chunk 4 leased after release, want it free")
	}
	if err := l.Renew(ctx); err != nil || leased() {
		t.Errorf("a Renew after release: err %v, leased %v; want the lease gone for good", err, leased())
	}
}

func TestRetryDelay(t *testing.T) {
	tests := []struct {
		name     string
		n        int
		err      error
		min, max time.Duration
	}{
		{"the first retry comes within a second", 0, io.ErrUnexpectedEOF, 500 * time.Millisecond, time.Second},
		{"the fourth within 8 s", 3, io.ErrUnexpectedEOF, 4 * time.Second, 8 * time.Second},
		{"later ones wait at most 5 minutes", 20, io.ErrUnexpectedEOF, 150 * time.Second, 5 * time.Minute},
		{"a hand-back for throttling waits what it asks, plus a quarter", 3, &RateLimitError{RetryIn: 10 * time.Second}, 10 * time.Second, 12500 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 50 {
				if got := RetryDelay(tt.n, tt.err, nil); got < tt.min || got > tt.max {
					t.Fatalf("RetryDelay(%d) got %v, want %v..%v", tt.n, got, tt.min, tt.max)
				}
			}
		})
	}
}
