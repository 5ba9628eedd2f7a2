package storage

import (
	"context"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/internal/redistest"
)

// The scripts that finish and expire a batch write its event to its
// outbox, with the state's time, only for a batch with a callback_url; a
// batch already finished writes nothing again. Every one marks the batch
// first, and a mark is removed only once its outbox was found empty and
// the mark was older than OutboxGrace when read.
func TestStateChangesWriteTheirEventToTheOutbox(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb := redistest.Client(t)
	now := time.UnixMilli(1_700_000_000_000)
	clock := func() time.Time { return now }
	s := NewBatches(rdb, clock, time.Hour)
	o := NewOutbox(rdb, clock)
	for _, b := range []bulkverify.Batch{{ID: "hooked", CallbackURL: "https://example.com/h"}, {ID: "quiet"}} {
		b.TotalRows, b.Chunks, b.CreatedAt = 1, 1, now
		if err := s.Create(ctx, b, 1, nil); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkFinished(ctx, b.ID, bulkverify.StateCompleted, bulkverify.ChunkCounts{Rows: 1}); err != nil {
			t.Fatal(err)
		}
	}
	events := func(id string) map[bulkverify.State]time.Time {
		t.Helper()
		e, err := o.Events(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	if got := events("hooked"); len(got) != 1 || !got[bulkverify.StateCompleted].Equal(now) {
		t.Fatalf("outbox of the batch with a callback_url: got %v, want completed at %v", got, now)
	}
	if got := events("quiet"); len(got) != 0 {
		t.Errorf("outbox of the batch without a callback_url: got %v, want empty", got)
	}
	marks, err := o.Marked(ctx, 10)
	if err != nil || len(marks) != 2 || marks["hooked"] == "" || marks["quiet"] == "" {
		t.Fatalf("marks: got %v, %v; want both batches marked", marks, err)
	}
	if err := o.Drained(ctx, "hooked", bulkverify.StateCompleted); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Second) // finishing again: no new event
	if err := s.MarkFinished(ctx, "hooked", bulkverify.StateCompleted, bulkverify.ChunkCounts{Rows: 1}); err != nil {
		t.Fatal(err)
	}
	if got := events("hooked"); len(got) != 0 {
		t.Errorf("after finishing a finished batch again: got %v, want no event", got)
	}
	settleMarks(t, o, now)
	if _, err := NewRetention(s).MarkExpired(ctx, "hooked"); err != nil {
		t.Fatal(err)
	}
	if got := events("hooked"); len(got) != 1 || !got[bulkverify.StateExpired].Equal(now) {
		t.Errorf("after expiry: got %v, want expired at %v", got, now)
	}
}

// settleMarks checks that fresh marks stay, a mark rewritten since it was
// read stays, and marks older than OutboxGrace go.
func settleMarks(t *testing.T, o *Outbox, now time.Time) {
	t.Helper()
	ctx := context.Background()
	marks, _ := o.Marked(ctx, 10)
	if ok, err := o.Settle(ctx, "hooked", marks["hooked"], now); ok || err != nil {
		t.Errorf("settling a fresh mark: got %v, %v; want it kept (its writer's script may not have run)", ok, err)
	}
	later := now.Add(OutboxGrace + time.Second)
	if ok, err := o.Settle(ctx, "hooked", "1-stale", later); ok || err != nil {
		t.Errorf("settling a mark that changed since: got %v, %v; want it kept", ok, err)
	}
	for id, mark := range marks {
		if ok, err := o.Settle(ctx, id, mark, later); !ok || err != nil {
			t.Errorf("settling %s's old mark: got %v, %v; want it removed", id, ok, err)
		}
	}
	if left, _ := o.Marked(ctx, 10); len(left) != 0 {
		t.Errorf("marks left: %v, want none", left)
	}
}
