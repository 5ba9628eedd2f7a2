package storage

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/internal/redistest"
)

// Finishing a batch announces it to every subscriber; finishing it again
// does not. (Pub/Sub channels are not per database: other tests' batches
// are announced on the same server, so only this test's id counts.)
func TestFinishingABatchAnnouncesItsEnd(t *testing.T) {
	t.Parallel()
	rdb := redistest.Client(t)
	s := NewBatches(rdb, time.Now, time.Hour)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	const id = "ended-announce-7f3a"
	if err := s.Create(ctx, bulkverify.Batch{ID: id, Tenant: "t", Provider: "digilocker", TotalRows: 1, Chunks: 1, CreatedAt: time.Now()}, 1, nil); err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 64)
	subscribed := make(chan error, 1)
	go func() {
		subscribed <- NewEndedBatches(rdb).Subscribe(ctx, func(ended string) {
			if strings.HasSuffix(ended, id) {
				got <- ended
			}
		})
	}()
	// Subscribed once a marker published now comes back.
	for deadline := time.Now().Add(10 * time.Second); len(got) == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("not subscribed within 10s")
		}
		rdb.Publish(ctx, endedChannel, "ready-"+id)
	}
	for range 2 {
		if err := s.MarkFinished(ctx, id, bulkverify.StateCompleted, bulkverify.ChunkCounts{Rows: 1, Verified: 1}); err != nil {
			t.Fatal(err)
		}
	}
	// Messages arrive in order: every one published before the marker is
	// in once the marker is.
	rdb.Publish(ctx, endedChannel, "done-"+id)
	announced := 0
	for m := ""; m != "done-"+id; {
		select {
		case m = <-got:
			if m == id {
				announced++
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the marker published after the batch ended did not come within 10s")
		}
	}
	if announced != 1 {
		t.Errorf("the batch's end was announced %d times for two MarkFinished, want once", announced)
	}
	cancel()
	if err := <-subscribed; err != nil {
		t.Errorf("Subscribe ended with %v, want nil at the context's end", err)
	}
}
