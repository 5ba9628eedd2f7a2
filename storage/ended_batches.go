package storage

import (
	"context"

	"github.com/redis/go-redis/v9"
)

// EndedBatches tells the serve processes at once that a batch ended, so
// that a status they keep in memory for a batch in progress (for up to a
// second, see api.Server.StatusMaxAge) is dropped and its pollers see it
// finished on their next poll rather than up to a second later: its end is
// written by a worker, not by them. It is Redis Pub/Sub, best effort: a
// message lost while a serve reconnects costs that batch's pollers at most
// the status's max age.
type EndedBatches struct{ rdb redis.UniversalClient }

// NewEndedBatches returns the feed on rdb.
func NewEndedBatches(rdb redis.UniversalClient) *EndedBatches { return &EndedBatches{rdb: rdb} }

// Publish announces that batch id ended. Its error is worth a log line at
// most: nothing waits for the message.
func (e *EndedBatches) Publish(ctx context.Context, id string) error {
	return e.rdb.Publish(ctx, endedChannel, id).Err()
}

// Subscribe calls ended with the id of every batch announced as ended
// until ctx ends. go-redis reconnects a dropped subscription by itself.
func (e *EndedBatches) Subscribe(ctx context.Context, ended func(id string)) error {
	sub := e.rdb.Subscribe(ctx, endedChannel)
	defer sub.Close()
	if _, err := sub.Receive(ctx); err != nil { // the subscription's confirmation
		return err
	}
	ch := sub.Channel()
	for {
		select {
		case <-ctx.Done():
			return nil
		case m, ok := <-ch:
			if !ok {
				return nil
			}
			ended(m.Payload)
		}
	}
}
