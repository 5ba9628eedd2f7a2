package storage

import (
	"context"
	_ "embed"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/bulkverify/bulkverify"
)

// Retention ends what batches leave behind in Redis: it expires the
// finished batches past retention (their files are deleted first) and
// swaps their data keys when the service key rotates (data_keys.go). It
// works on the state of a Batches, whose caches it keeps true.
type Retention struct{ b *Batches }

// NewRetention returns the Retention of b's batches.
func NewRetention(b *Batches) *Retention { return &Retention{b: b} }

// batchKeys returns every Redis key of a batch but its tenant's index
// entry: state, plan, done and in-flight sets, progress samples, hand-back
// and crash counts, the header and each chunk's saved rows.
func batchKeys(id string, chunks int) []string {
	keys := []string{batchKey(id), planKey(id), doneKey(id), inflightKey(id), paceKey(id), requeuesKey(id), crashesKey(id), headerKey(id)}
	for i := range chunks {
		keys = append(keys, rowsKey(id, i))
	}
	return keys
}

// finished records that batch id finished at, for the retention sweep.
func (s *Batches) finished(ctx context.Context, id string, at time.Time) error {
	return s.rdb.ZAdd(ctx, finishedKey, redis.Z{Score: float64(at.UnixMilli()), Member: id}).Err()
}

// DueForExpiry returns up to limit batches that finished more than the
// retention ago.
func (r *Retention) DueForExpiry(ctx context.Context, limit int) ([]string, error) {
	max := strconv.FormatInt(r.b.now().Add(-r.b.retention).UnixMilli(), 10)
	ids, err := r.b.rdb.ZRangeByScore(ctx, finishedKey, &redis.ZRangeBy{Min: "-inf", Max: max, Count: int64(limit)}).Result()
	if err != nil {
		return nil, fmt.Errorf("batches due for expiry: %w", err)
	}
	return ids, nil
}

// expireScript marks a finished batch expired and drops everything but its
// state: KEYS[1] the batch hash, KEYS[2] its outbox (where the expired
// event goes, see Outbox), KEYS[3..] its other keys. ARGV[1] state
// expired, ARGV[2] now (ms), ARGV[3] the finished states joined by ",",
// ARGV[4] how long the expired state is kept (s). Returns the previous
// state, or "" when there is no such batch.
//
//go:embed expire.lua
var expireLua string

var expireScript = newScript[expireArgs](expireLua)

// expireArgs expire batch id, of chunks chunks, at now; its state is then
// kept for keep.
type expireArgs struct {
	id     string
	chunks int
	now    time.Time
	keep   time.Duration
}

func (a expireArgs) keysArgs() ([]string, []any) {
	keys := batchKeys(a.id, a.chunks)
	keys = append([]string{keys[0], outboxKey(a.id)}, keys[1:]...)
	return keys, []any{string(bulkverify.StateExpired), a.now.UnixMilli(),
		stateList(bulkverify.State.Finished), int(a.keep / time.Second)}
}

// MarkExpired moves a finished batch whose files were deleted to expired:
// its data key and working keys are dropped, its state is kept, without
// data, for another retention; the batch.expired event goes to its outbox
// in the same script (see Outbox). It reports whether the batch was
// expired now.
func (r *Retention) MarkExpired(ctx context.Context, id string) (bool, error) {
	b, err := r.b.Get(ctx, id)
	if bulkverify.ErrorCode(err) == bulkverify.ENotFound {
		return false, r.b.rdb.ZRem(ctx, finishedKey, id).Err()
	}
	if err != nil {
		return false, err
	}
	if err := r.b.markOutbox(ctx, id); err != nil {
		return false, fmt.Errorf("expire batch %s: %w", id, err)
	}
	prev, err := expireScript.Run(ctx, r.b.rdb, expireArgs{id: id, chunks: b.Chunks, now: r.b.now(), keep: r.b.retention}).Text()
	if err != nil {
		return false, fmt.Errorf("expire batch %s: %w", id, err)
	}
	r.b.dataKeys.forget(id)
	if err := r.b.rdb.ZRem(ctx, finishedKey, id).Err(); err != nil {
		return false, fmt.Errorf("expire batch %s: %w", id, err)
	}
	moved := bulkverify.State(prev).Finished()
	if moved {
		r.b.moved(ctx, bulkverify.State(prev), bulkverify.StateExpired)
	}
	return moved, nil
}

// eraseScript deletes every key of a batch that has ended: KEYS[1] the
// batch hash, KEYS[2..] its other keys. ARGV[1] the ended states joined by
// ",". Returns the state it had, or "" when there is no such batch; a
// batch still running is left alone.
//
//go:embed erase.lua
var eraseLua string

var eraseScript = newScript[eraseArgs](eraseLua)

// eraseArgs delete every key of batch id, of chunks chunks.
type eraseArgs struct {
	id     string
	chunks int
}

func (a eraseArgs) keysArgs() ([]string, []any) {
	keys := append(batchKeys(a.id, a.chunks), webhookKeys(a.id)...)
	return append(keys, outboxKey(a.id)), []any{stateList(bulkverify.State.Ended)}
}

// Erase deletes every trace of an ended batch in Redis: state,
// checkpoints, its data key, its list and retention entries. A batch still
// running gives EBatchNotFinished.
func (s *Batches) Erase(ctx context.Context, b bulkverify.Batch) error {
	prev, err := eraseScript.Run(ctx, s.rdb, eraseArgs{id: b.ID, chunks: b.Chunks}).Text()
	if err != nil {
		return fmt.Errorf("erase batch %s: %w", b.ID, err)
	}
	if prev == "" {
		return fmt.Errorf("erase batch %s: %w", b.ID, ErrBatchNotFound)
	}
	if !bulkverify.State(prev).Ended() {
		return bulkverify.Errorf(bulkverify.EBatchNotFinished, "batch %s is %s: cancel it first, then delete it once it is cancelled", b.ID, prev)
	}
	s.dataKeys.forget(b.ID)
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.ZRem(ctx, finishedKey, b.ID)
		p.ZRem(ctx, tenantKey(b.Tenant), b.ID)
		p.SRem(ctx, activeKey, b.ID)
		p.HIncrBy(ctx, statesKey, prev, -1)
		return nil
	})
	if err != nil {
		return fmt.Errorf("erase batch %s: %w", b.ID, err)
	}
	return nil
}
