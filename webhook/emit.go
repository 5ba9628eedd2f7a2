package webhook

import (
	"context"
	"time"

	"github.com/bulkverify/bulkverify"
)

// ProgressClock decides when a batch's next progress event is due.
type ProgressClock interface {
	// ProgressDue reports whether batch id sends a progress event now (it
	// has a callback_url, its receiver is not gone, and the last event is
	// at least interval old), with the event's number and time.
	ProgressDue(ctx context.Context, id string, interval time.Duration) (seq int, at time.Time, ok bool, err error)
}

// Emitter queues a batch's events as they happen, on the workers.
type Emitter struct {
	Queue    Enqueuer
	Progress ProgressClock
	// ProgressInterval spaces progress events; 0 sends none.
	ProgressInterval time.Duration
	Now              func() time.Time
	// Outbox, when set, is where Finished takes the event from: the
	// state change wrote it there (see Outbox).
	Outbox *Outbox
}

// Finished queues the event announcing that b reached state (completed,
// cancelled, failed or expired). A batch without a callback_url sends
// nothing. Calling it again for the same batch and state queues nothing
// more. With an Outbox, it drains b's outbox, where the state change wrote
// the event.
func (e *Emitter) Finished(ctx context.Context, b bulkverify.Batch, state bulkverify.State) error {
	if e.Outbox != nil {
		return e.Outbox.DrainBatch(ctx, b.ID)
	}
	event, ok := EventOf(state)
	if !ok || b.CallbackURL == "" {
		return nil
	}
	at := b.FinishedAt()
	if b.State != state || at.IsZero() {
		at = e.Now()
	}
	return Enqueue(ctx, e.Queue, NewMessage(b.ID, event, 0, at))
}

// Progressed queues a progress event of batch id when one is due: at most
// one every ProgressInterval, across all workers.
func (e *Emitter) Progressed(ctx context.Context, id string) error {
	if e.ProgressInterval <= 0 {
		return nil
	}
	seq, at, ok, err := e.Progress.ProgressDue(ctx, id, e.ProgressInterval)
	if err != nil || !ok {
		return err
	}
	return Enqueue(ctx, e.Queue, NewMessage(id, EventProgress, seq, at))
}
