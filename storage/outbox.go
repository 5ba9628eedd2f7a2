package storage

import (
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/bulkverify/bulkverify"
)

// The outbox: a state change and the webhook event announcing it are
// written together, so that no event is lost whatever fails between the
// two. The script that changes a batch's state (finish.lua, expire.lua)
// also writes the event to the batch's outbox, a hash of the state reached
// by when, under the batch's hash tag (one Cluster slot). It holds no
// personal data and no secret: the URL and the key are read from the batch
// when the event is delivered. Workers drain outboxes into the webhook
// queue (webhook.Outbox) and remove what they queued.
//
// The drainers find the outboxes through a marks hash, which cannot share
// the batch's slot: before the script, the writer marks the batch there
// (batch id → "<unix ms>-<token>"). A drainer that found a batch's outbox
// empty removes the mark it read, if it is still that one and was already
// older than OutboxGrace when read: by then its writer's script had run,
// so an event it wrote was seen.

// OutboxGrace bounds the time between marking a batch and running the
// script that writes its event; a mark is removed only once older.
const OutboxGrace = time.Minute

// Outbox reads and empties the batches' outboxes.
type Outbox struct{ store }

// NewOutbox returns the Outbox over rdb.
func NewOutbox(rdb redis.UniversalClient, now func() time.Time) *Outbox {
	return &Outbox{store{rdb: rdb, now: now}}
}

// markOutbox marks batch id as maybe holding events, before a script that
// may write one.
func (s store) markOutbox(ctx context.Context, id string) error {
	b := make([]byte, 6)
	rand.Read(b)
	mark := strconv.FormatInt(s.now().UnixMilli(), 10) + "-" + hex.EncodeToString(b)
	if err := s.rdb.HSet(ctx, outboxMarksKey, id, mark).Err(); err != nil {
		return fmt.Errorf("mark outbox: %w", err)
	}
	return nil
}

// Marked returns up to limit marked batches, each with its mark.
func (o *Outbox) Marked(ctx context.Context, limit int) (map[string]string, error) {
	out := map[string]string{}
	var cursor uint64
	for {
		kv, next, err := o.rdb.HScan(ctx, outboxMarksKey, cursor, "", int64(limit)).Result()
		if err != nil {
			return nil, fmt.Errorf("marked outboxes: %w", err)
		}
		for i := 0; i+1 < len(kv) && len(out) < limit; i += 2 {
			out[kv[i]] = kv[i+1]
		}
		if cursor = next; cursor == 0 || len(out) >= limit {
			return out, nil
		}
	}
}

// Events returns the events in batch id's outbox: the state reached, by
// when.
func (o *Outbox) Events(ctx context.Context, id string) (map[bulkverify.State]time.Time, error) {
	raw, err := o.rdb.HGetAll(ctx, outboxKey(id)).Result()
	if err != nil {
		return nil, fmt.Errorf("outbox of batch %s: %w", id, err)
	}
	out := make(map[bulkverify.State]time.Time, len(raw))
	for state, ms := range raw {
		n, _ := strconv.ParseInt(ms, 10, 64)
		out[bulkverify.State(state)] = time.UnixMilli(n)
	}
	return out, nil
}

// Drained removes the event of state from batch id's outbox: it is queued.
func (o *Outbox) Drained(ctx context.Context, id string, state bulkverify.State) error {
	if err := o.rdb.HDel(ctx, outboxKey(id), string(state)).Err(); err != nil {
		return fmt.Errorf("drain %s event of batch %s: %w", state, id, err)
	}
	return nil
}

//go:embed settle_outbox.lua
var settleOutboxLua string

var settleOutboxScript = newScript[settleOutboxArgs](settleOutboxLua)

// settleOutboxArgs remove batch id's mark if it is still mark and was
// written by before.
type settleOutboxArgs struct {
	id, mark string
	before   time.Time
}

func (a settleOutboxArgs) keysArgs() ([]string, []any) {
	return []string{outboxMarksKey}, []any{a.id, a.mark, a.before.UnixMilli()}
}

// Settle removes batch id's mark, read at readAt, after its outbox was
// found empty: only if it is still mark and was older than OutboxGrace
// when read. It reports whether it removed it.
func (o *Outbox) Settle(ctx context.Context, id, mark string, readAt time.Time) (bool, error) {
	n, err := settleOutboxScript.Run(ctx, o.rdb, settleOutboxArgs{id: id, mark: mark, before: readAt.Add(-OutboxGrace)}).Int()
	if err != nil {
		return false, fmt.Errorf("settle outbox of batch %s: %w", id, err)
	}
	return n == 1, nil
}
