package storage

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/bulkverify/bulkverify"
)

// finishedKey indexes finished batches by when they finished (unix ms), so
// that the retention sweep finds the due ones without a scan.
const finishedKey = KeyPrefix + "finished"

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
func (s *Batches) DueForExpiry(ctx context.Context, limit int) ([]string, error) {
	max := strconv.FormatInt(s.now().Add(-s.retention).UnixMilli(), 10)
	ids, err := s.rdb.ZRangeByScore(ctx, finishedKey, &redis.ZRangeBy{Min: "-inf", Max: max, Count: int64(limit)}).Result()
	if err != nil {
		return nil, fmt.Errorf("batches due for expiry: %w", err)
	}
	return ids, nil
}

// expireScript marks a finished batch expired and drops everything but its
// state: KEYS[1] the batch hash, KEYS[2..] its other keys. ARGV[1] state
// expired, ARGV[2] now (ms), ARGV[3] the finished states joined by ",",
// ARGV[4] how long the expired state is kept (s). Returns the previous
// state, or "" when there is no such batch.
var expireScript = redis.NewScript(`
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return '' end
if not string.find(',' .. ARGV[3] .. ',', ',' .. state .. ',', 1, true) then return state end
for i = 2, #KEYS do redis.call('DEL', KEYS[i]) end
redis.call('HDEL', KEYS[1], 'data_key')
redis.call('HSET', KEYS[1], 'state', ARGV[1], 'expired_at', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[4])
return state`)

// MarkExpired moves a finished batch whose files were deleted to expired:
// its data key and working keys are dropped, its state is kept, without
// data, for another retention. It reports whether the batch was expired
// now.
func (s *Batches) MarkExpired(ctx context.Context, id string) (bool, error) {
	b, err := s.Get(ctx, id)
	if bulkverify.ErrorCode(err) == bulkverify.ENotFound {
		return false, s.rdb.ZRem(ctx, finishedKey, id).Err()
	}
	if err != nil {
		return false, err
	}
	prev, err := expireScript.Run(ctx, s.rdb, batchKeys(id, b.Chunks), string(bulkverify.StateExpired), s.now().UnixMilli(),
		stateList(bulkverify.State.Finished), s.retentionSeconds()).Text()
	if err != nil {
		return false, fmt.Errorf("expire batch %s: %w", id, err)
	}
	s.dataKeys.forget(id)
	if err := s.rdb.ZRem(ctx, finishedKey, id).Err(); err != nil {
		return false, fmt.Errorf("expire batch %s: %w", id, err)
	}
	moved := bulkverify.State(prev).Finished()
	if moved {
		s.moved(ctx, bulkverify.State(prev), bulkverify.StateExpired)
	}
	return moved, nil
}

// eraseScript deletes every key of a batch that has ended: KEYS[1] the
// batch hash, KEYS[2..] its other keys. ARGV[1] the ended states joined by
// ",". Returns the state it had, or "" when there is no such batch; a
// batch still running is left alone.
var eraseScript = redis.NewScript(`
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return '' end
if not string.find(',' .. ARGV[1] .. ',', ',' .. state .. ',', 1, true) then return state end
for i = 1, #KEYS do redis.call('DEL', KEYS[i]) end
return state`)

// Erase deletes every trace of an ended batch in Redis: state,
// checkpoints, its data key, its list and retention entries. A batch still
// running gives EBatchNotFinished.
func (s *Batches) Erase(ctx context.Context, b bulkverify.Batch) error {
	prev, err := eraseScript.Run(ctx, s.rdb, append(batchKeys(b.ID, b.Chunks), webhookKeys(b.ID)...), stateList(bulkverify.State.Ended)).Text()
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
