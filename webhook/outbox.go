package webhook

import (
	"context"
	"errors"
	"time"

	"github.com/bulkverify/bulkverify"
)

// OutboxStore holds the events that state changes wrote beside them, one
// outbox per batch, until they are queued (storage.Outbox).
type OutboxStore interface {
	// Marked returns up to limit batches whose outbox may hold events,
	// each with its mark.
	Marked(ctx context.Context, limit int) (map[string]string, error)
	// Events returns the events in batch id's outbox: the state reached,
	// by when.
	Events(ctx context.Context, id string) (map[bulkverify.State]time.Time, error)
	// Drained removes the event of state from batch id's outbox.
	Drained(ctx context.Context, id string, state bulkverify.State) error
	// Settle removes batch id's mark, read at readAt, once its outbox
	// was found empty, unless it changed or is too recent.
	Settle(ctx context.Context, id, mark string, readAt time.Time) (bool, error)
}

// Outbox drains the batches' outboxes into the webhook queue: every event
// a state change wrote is queued as its message, whose fixed task ID makes
// draining twice queue it once, and only then removed. The worker that
// changed the state drains its batch at once (DrainBatch); every worker's
// sweeper drains them all (Drain), which delivers the events of a process
// that died between the state change and queuing its event.
type Outbox struct {
	Store OutboxStore
	Queue Enqueuer
	Now   func() time.Time
}

// outboxBatches bounds the batches one Drain reads.
const outboxBatches = 500

// DrainBatch queues the events in batch id's outbox and removes them.
func (o *Outbox) DrainBatch(ctx context.Context, id string) error {
	events, err := o.Store.Events(ctx, id)
	if err != nil {
		return err
	}
	for state, at := range events {
		if event, ok := EventOf(state); ok {
			if err := Enqueue(ctx, o.Queue, NewMessage(id, event, 0, at)); err != nil {
				return err
			}
		}
		if err := o.Store.Drained(ctx, id, state); err != nil {
			return err
		}
	}
	return nil
}

// Drain drains the outbox of every marked batch, and removes the marks of
// those it emptied.
func (o *Outbox) Drain(ctx context.Context) error {
	readAt := o.Now()
	marks, err := o.Store.Marked(ctx, outboxBatches)
	if err != nil {
		return err
	}
	var errs []error
	for id, mark := range marks {
		if err := o.DrainBatch(ctx, id); err != nil {
			errs = append(errs, err)
			continue
		}
		if _, err := o.Store.Settle(ctx, id, mark, readAt); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
