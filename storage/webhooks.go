package storage

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/bulkverify/bulkverify"
)

// A batch's webhooks keep, beside its state and in its cluster slot: the
// log of delivery attempts (a list, newest first), a hash of what the
// deliveries learnt (the receiver answered 410; which messages were
// delivered; the last progress event's number), and the key whose expiry
// spaces progress events.

// WebhookLog keeps what a batch's webhooks learn: the log of delivery
// attempts, what was delivered, whether the receiver is gone and when the
// next progress event is due. Its keys share the batch's hash tag.
type WebhookLog struct{ store }

// NewWebhookLog returns a WebhookLog over rdb; its keys outlive the
// batch's state, which expires after retention.
func NewWebhookLog(rdb redis.UniversalClient, now func() time.Time, retention time.Duration) *WebhookLog {
	return &WebhookLog{store{rdb: rdb, now: now, retention: retention}}
}

// MaxWebhookAttempts is how many attempts the log keeps per batch, the
// newest.
const MaxWebhookAttempts = 1000

// webhookKeys are a batch's webhook keys. They outlive expiry, like the
// batch's state: the log stays readable and a 410 keeps batch.expired
// from being sent. Erase deletes them.
func webhookKeys(id string) []string {
	return []string{webhookLogKey(id), webhookStateKey(id), webhookProgressKey(id)}
}

// RecordWebhookAttempt adds a to the delivery log of batch id.
func (s *WebhookLog) RecordWebhookAttempt(ctx context.Context, id string, a bulkverify.WebhookAttempt) error {
	b, _ := json.Marshal(a) // plain fields: cannot fail
	key := webhookLogKey(id)
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.LPush(ctx, key, b)
		p.LTrim(ctx, key, 0, MaxWebhookAttempts-1)
		p.Expire(ctx, key, s.stateTTL())
		return nil
	})
	if err != nil {
		return fmt.Errorf("record webhook attempt of batch %s: %w", id, err)
	}
	return nil
}

// WebhookAttempts returns the delivery log of batch id, newest first.
func (s *WebhookLog) WebhookAttempts(ctx context.Context, id string) ([]bulkverify.WebhookAttempt, error) {
	raw, err := s.rdb.LRange(ctx, webhookLogKey(id), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("read webhook log of batch %s: %w", id, err)
	}
	out := make([]bulkverify.WebhookAttempt, 0, len(raw))
	for _, r := range raw {
		var a bulkverify.WebhookAttempt
		if err := json.Unmarshal([]byte(r), &a); err == nil {
			out = append(out, a)
		}
	}
	return out, nil
}

// WebhookState says whether batch id's receiver answered 410 Gone (no
// more messages for the batch) and whether message webhookID was
// delivered.
func (s *WebhookLog) WebhookState(ctx context.Context, id, webhookID string) (gone, delivered bool, err error) {
	v, err := s.rdb.HMGet(ctx, webhookStateKey(id), fieldGone, fieldDelivered+webhookID).Result()
	if err != nil {
		return false, false, fmt.Errorf("read webhook state of batch %s: %w", id, err)
	}
	return v[0] != nil, v[1] != nil, nil
}

// MarkWebhookDelivered records that message webhookID of batch id was
// delivered, so that it is not sent again.
func (s *WebhookLog) MarkWebhookDelivered(ctx context.Context, id, webhookID string) error {
	return s.setWebhookState(ctx, id, fieldDelivered+webhookID)
}

// MarkWebhookGone records that batch id's receiver answered 410 Gone: no
// more messages are sent for the batch.
func (s *WebhookLog) MarkWebhookGone(ctx context.Context, id string) error {
	return s.setWebhookState(ctx, id, fieldGone)
}

func (s *WebhookLog) setWebhookState(ctx context.Context, id, field string) error {
	key := webhookStateKey(id)
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, key, field, s.now().UnixMilli())
		p.Expire(ctx, key, s.stateTTL())
		return nil
	})
	if err != nil {
		return fmt.Errorf("record webhook %s of batch %s: %w", field, id, err)
	}
	return nil
}

// progressDueScript decides whether a batch sends a progress event now.
// KEYS[1] batch hash, KEYS[2] webhook state, KEYS[3] progress spacing key;
// ARGV[1] interval in ms, ARGV[2] how long the state is kept (s). Returns {0, 0}
// when no event is due (no callback_url, the receiver is gone, or the
// last event is less than an interval old), else the event's number and
// its time (Redis TIME, unix ms): events are at least an interval apart
// on one clock, whichever workers send them.
//
//go:embed progress_due.lua
var progressDueLua string

var progressDueScript = newScript[progressDueArgs](progressDueLua)

// progressDueArgs ask whether batch id sends a progress event, at most
// one every interval; its webhook state is kept for keep.
type progressDueArgs struct {
	id             string
	interval, keep time.Duration
}

func (a progressDueArgs) keysArgs() ([]string, []any) {
	return []string{batchKey(a.id), webhookStateKey(a.id), webhookProgressKey(a.id)},
		[]any{max(a.interval.Milliseconds(), 1), int(a.keep / time.Second)}
}

// ProgressDue reports whether batch id sends a progress event now, at
// most one every interval: when it does, it returns the event's number
// (1, 2, ...) and time.
func (s *WebhookLog) ProgressDue(ctx context.Context, id string, interval time.Duration) (seq int, at time.Time, ok bool, err error) {
	res, err := progressDueScript.Run(ctx, s.rdb, progressDueArgs{id: id, interval: interval, keep: s.stateTTL()}).Int64Slice()
	if err != nil {
		return 0, time.Time{}, false, fmt.Errorf("progress event of batch %s: %w", id, err)
	}
	if res[0] == 0 {
		return 0, time.Time{}, false, nil
	}
	return int(res[0]), time.UnixMilli(res[1]).UTC(), true, nil
}
