package worker

import (
	"context"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/internal/redistest"
	"github.com/bulkverify/bulkverify/storage"
)

// Rows of a running chunk reach Redis within an interval, in one write per
// interval; a chunk that completes leaves the rest unsaved (its part holds
// them), one handed back saves them.
func TestCheckpointsAreSavedEveryIntervalAndOnHandBack(t *testing.T) {
	t.Parallel()
	rdb := redistest.Client(t)
	store := storage.NewChunks(rdb, time.Now, time.Hour)
	ctx := context.Background()
	saved := func(chunk int) int {
		rows, err := store.SavedRows(ctx, "b1", chunk)
		if err != nil {
			t.Fatal(err)
		}
		return len(rows)
	}

	s := startCheckpoints(ctx, store, "b1", 0, 20*time.Millisecond)
	s.add(bulkverify.Result{RowNumber: 1, Status: bulkverify.StatusVerified})
	s.add(bulkverify.Result{RowNumber: 2, Status: bulkverify.StatusVerified})
	deadline := time.Now().Add(5 * time.Second)
	for saved(0) < 2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if got := saved(0); got != 2 {
		t.Fatalf("got %d rows saved within the interval, want 2", got)
	}
	if ttl := rdb.TTL(ctx, "bv:batch:{b1}:rows:0").Val(); ttl <= 0 {
		t.Errorf("rows key has TTL %v, want an expiry", ttl)
	}
	s.add(bulkverify.Result{RowNumber: 3, Status: bulkverify.StatusVerified})
	if err := s.close(ctx, false); err != nil {
		t.Fatal(err)
	}
	if got := saved(0); got != 2 {
		t.Errorf("a completed chunk saved %d rows at close, want the 2 of the interval only", got)
	}

	s = startCheckpoints(ctx, store, "b1", 1, time.Hour)
	s.add(bulkverify.Result{RowNumber: 101, Status: bulkverify.StatusVerified})
	if err := s.close(ctx, true); err != nil {
		t.Fatal(err)
	}
	if got := saved(1); got != 1 {
		t.Errorf("a handed-back chunk saved %d rows, want 1", got)
	}
}
