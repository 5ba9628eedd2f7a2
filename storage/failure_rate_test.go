package storage

import (
	"context"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify"
)

// TestFailureRateStopsABatchOnlyPastTheFloor checks that a batch over its
// max_failure_rate is stopped only once bulkverify.FailureRateFloor rows
// are processed, and that it then stores the domain's reason.
func TestFailureRateStopsABatchOnlyPastTheFloor(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newBatches(t)
	rate := 0.5
	b := bulkverify.Batch{ID: "b1", Tenant: "t", Provider: "digilocker", TotalRows: 1000, Chunks: 10, CreatedAt: time.Now(), MaxFailureRate: &rate}
	if err := s.Create(ctx, b, 10, nil); err != nil {
		t.Fatal(err)
	}
	below := bulkverify.FailureRateFloor - 1
	c := bulkverify.ChunkCounts{Rows: below, Failed: below, Codes: map[bulkverify.Code]int{"TOKEN_INVALID": below}}
	done, err := s.CompleteChunk(ctx, "b1", 0, c)
	if err != nil {
		t.Fatal(err)
	}
	if done.Aborted {
		t.Fatalf("got aborted after %d failed rows, want the batch to run until %d are processed", below, bulkverify.FailureRateFloor)
	}
	one := bulkverify.ChunkCounts{Rows: 1, Failed: 1, Codes: map[bulkverify.Code]int{"TOKEN_INVALID": 1}}
	if done, err = s.CompleteChunk(ctx, "b1", 1, one); err != nil {
		t.Fatal(err)
	}
	if !done.Aborted {
		t.Fatalf("got not aborted after %d failed rows, want aborted", bulkverify.FailureRateFloor)
	}
	got, err := s.Get(ctx, "b1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Stop != bulkverify.StopAborted || got.FailureReason != bulkverify.AbortReason(got) || got.FailureReason == "" {
		t.Errorf("got stop %q, reason %q; want aborted with %q", got.Stop, got.FailureReason, bulkverify.AbortReason(got))
	}
}
