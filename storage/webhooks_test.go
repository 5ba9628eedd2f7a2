package storage

import (
	"context"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify"
)

// webhookBundle is a WebhookLog and the Batches whose batches it logs,
// over one Redis database.
type webhookBundle struct {
	*WebhookLog
	batches *Batches
}

func setupWebhooks(t *testing.T) webhookBundle {
	b := newBatches(t)
	return webhookBundle{WebhookLog: NewWebhookLog(b.rdb, b.now, b.retention), batches: b}
}

func createWithCallback(t *testing.T, s webhookBundle, id, callback string) {
	t.Helper()
	b := bulkverify.Batch{ID: id, Tenant: "t", Provider: "digilocker", TotalRows: 1, Chunks: 1, CreatedAt: time.Now(), CallbackURL: callback}
	if err := s.batches.Create(context.Background(), b, 1, nil); err != nil {
		t.Fatal(err)
	}
}

func TestProgressDueSpacesEventsByTheInterval(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := setupWebhooks(t)
	createWithCallback(t, s, "b1", "https://hooks.example.com/")
	const interval = 200 * time.Millisecond

	seq, first, ok, err := s.ProgressDue(ctx, "b1", interval)
	if err != nil || !ok || seq != 1 {
		t.Fatalf("got %d, %v, %v; want event 1 due", seq, ok, err)
	}
	if _, _, ok, _ := s.ProgressDue(ctx, "b1", interval); ok {
		t.Fatalf("got a second event at once, want none within %v", interval)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		seq, at, ok, err := s.ProgressDue(ctx, "b1", interval)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			if seq != 2 || at.Sub(first) < interval {
				t.Errorf("got event %d %v after the first, want event 2 at least %v after", seq, at.Sub(first), interval)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no second event within 5s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestProgressIsNeverDueWithoutCallbackOrOnceGone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := setupWebhooks(t)
	createWithCallback(t, s, "quiet", "")
	createWithCallback(t, s, "gone", "https://hooks.example.com/")
	if err := s.MarkWebhookGone(ctx, "gone"); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"quiet", "gone", "unknown"} {
		if _, _, ok, err := s.ProgressDue(ctx, id, time.Millisecond); ok || err != nil {
			t.Errorf("batch %s: got due=%v, %v; want never due", id, ok, err)
		}
	}
}

func TestWebhookLogIsNewestFirstAndBounded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := setupWebhooks(t)
	status := 500
	for i := 1; i <= MaxWebhookAttempts+5; i++ {
		a := bulkverify.WebhookAttempt{Event: "batch.completed", WebhookID: "msg_b1_completed", Attempt: i, At: time.UnixMilli(int64(i)).UTC(), HTTPStatus: &status}
		if err := s.RecordWebhookAttempt(ctx, "b1", a); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.WebhookAttempts(ctx, "b1")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != MaxWebhookAttempts || got[0].Attempt != MaxWebhookAttempts+5 || got[len(got)-1].Attempt != 6 || *got[0].HTTPStatus != 500 {
		t.Errorf("got %d attempts, first %d, last %d; want the newest %d, newest first", len(got), got[0].Attempt, got[len(got)-1].Attempt, MaxWebhookAttempts)
	}
	gone, delivered, err := s.WebhookState(ctx, "b1", "msg_b1_completed")
	if gone || delivered || err != nil {
		t.Fatalf("got gone=%v delivered=%v %v before marking, want neither", gone, delivered, err)
	}
	s.MarkWebhookDelivered(ctx, "b1", "msg_b1_completed")
	for _, id := range []string{"msg_b1_completed", "msg_b1_failed"} {
		_, delivered, _ := s.WebhookState(ctx, "b1", id)
		if want := id == "msg_b1_completed"; delivered != want {
			t.Errorf("%s: got delivered=%v, want %v", id, delivered, want)
		}
	}
}
