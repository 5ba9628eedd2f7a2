package api

import (
	"testing"
	"time"

	"github.com/bulkverify/bulkverify"
)

func TestEndedBatchesKeepOnlyEndedOnesForAShortWhile(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_700_000_000, 0)
	var c endedBatches
	c.put(bulkverify.Batch{ID: "running", State: bulkverify.StateProcessing}, now)
	if _, ok := c.get("running", now); ok {
		t.Error("a running batch was kept: its progress would stall")
	}
	c.put(bulkverify.Batch{ID: "done", State: bulkverify.StateCompleted, ExpiresAt: now.Add(time.Hour)}, now)
	if b, ok := c.get("done", now.Add(endedTTL/2)); !ok || b.ID != "done" {
		t.Errorf("a completed batch within %s: got %v, %v", endedTTL, b.ID, ok)
	}
	if _, ok := c.get("done", now.Add(endedTTL)); ok {
		t.Errorf("a completed batch was served after %s", endedTTL)
	}
	c.put(bulkverify.Batch{ID: "expiring", State: bulkverify.StateCompleted, ExpiresAt: now.Add(endedTTL / 4)}, now)
	if _, ok := c.get("expiring", now.Add(endedTTL/2)); ok {
		t.Error("a batch was served as completed past its expires_at")
	}
	c.put(bulkverify.Batch{ID: "gone", State: bulkverify.StateCancelled}, now)
	c.forget("gone")
	if _, ok := c.get("gone", now); ok {
		t.Error("a forgotten (deleted) batch was served")
	}
	for i := range maxEnded + 10 {
		c.put(bulkverify.Batch{ID: string(rune('a'+i%26)) + time.Duration(i).String(), State: bulkverify.StateFailed}, now)
	}
	if n := len(c.m); n > maxEnded {
		t.Errorf("%d batches kept, want at most %d", n, maxEnded)
	}
}
