// Package storage keeps batch state in Redis and batch files in S3.
package storage

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/bulkverify/bulkverify"
)

// ErrBatchNotFound is returned for an unknown batch id.
var ErrBatchNotFound = &bulkverify.Error{Code: bulkverify.ENotFound, Message: "batch not found"}

// Batches stores batch state and progress in Redis. Every update that
// depends on the current state runs in a Lua script, so any number of
// workers can report the same chunk and it is counted once. The scripts get
// the states as arguments: bulkverify.State is their one definition.
type Batches struct {
	store
	// dataKeys and started spare each chunk of a batch two round trips;
	// headers keeps the headers Input read with the data keys.
	dataKeys *recent[string]
	started  *recent[bool]
	headers  *recent[[]string]
}

// NewBatches returns a Batches over rdb. State expires after retention.
func NewBatches(rdb redis.UniversalClient, now func() time.Time, retention time.Duration) *Batches {
	return &Batches{store: store{rdb: rdb, now: now, retention: retention},
		dataKeys: newRecent[string](4096, time.Minute), started: newRecent[bool](4096, time.Hour),
		headers: newRecent[[]string](maxCachedHeaders, time.Minute)}
}

// Create stores a new batch in state queued with its chunk payloads, by
// chunk index, and its header once (see Input). At most window chunks of
// the batch are released to the queue at a time (see NextChunk).
func (s *Batches) Create(ctx context.Context, b bulkverify.Batch, window int, chunks [][]byte) error {
	key, fields := batchKey(b.ID), createFields(b, window)
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		plan := make([]any, 0, 2*min(len(chunks), 1000))
		for i, c := range chunks {
			plan = append(plan, i, c)
			if len(plan) == cap(plan) || i == len(chunks)-1 {
				p.HSet(ctx, planKey(b.ID), plan...)
				plan = plan[:0]
			}
		}
		p.Expire(ctx, planKey(b.ID), s.stateTTL())
		if len(b.Header) > 0 {
			h, _ := json.Marshal(b.Header) // strings only: cannot fail
			p.Set(ctx, headerKey(b.ID), h, s.stateTTL())
		}
		p.HSet(ctx, key, fields)
		p.Expire(ctx, key, s.stateTTL())
		return nil
	})
	if err != nil {
		return fmt.Errorf("create batch %s: %w", b.ID, err)
	}
	// Outside the transaction: these keys are in other cluster slots.
	// Should this fail, the batch still runs; only the sweeper and the
	// list do not see it.
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.SAdd(ctx, activeKey, b.ID)
		p.ZAdd(ctx, tenantKey(b.Tenant), redis.Z{Score: float64(b.CreatedAt.UnixMilli()), Member: b.ID})
		p.HIncrBy(ctx, statesKey, string(bulkverify.StateQueued), 1)
		return nil
	})
	if err != nil {
		return fmt.Errorf("register batch %s: %w", b.ID, err)
	}
	return nil
}

// createFields returns the fields of a new batch's state hash.
func createFields(b bulkverify.Batch, window int) map[string]any {
	fields := map[string]any{
		fieldWindow:       window,
		fieldReleased:     0,
		fieldTenant:       b.Tenant,
		fieldProvider:     b.Provider,
		fieldState:        string(bulkverify.StateQueued),
		fieldTotalRows:    b.TotalRows,
		fieldRejectedRows: b.RejectedRows,
		fieldDuplicates:   b.Duplicates,
		fieldChunks:       b.Chunks,
		fieldCreatedAt:    b.CreatedAt.UnixMilli(),
		fieldDataKey:      b.DataKey,
	}
	if b.MaxFailureRate != nil {
		fields[fieldMaxFailureRate] = strconv.FormatFloat(*b.MaxFailureRate, 'f', -1, 64)
	}
	if b.ParentID != "" {
		fields[fieldParent] = b.ParentID
	}
	if len(b.Metadata) > 0 {
		m, _ := json.Marshal(b.Metadata) // strings only: cannot fail
		fields[fieldMetadata] = m
	}
	if b.CallbackURL != "" {
		fields[fieldCallbackURL] = b.CallbackURL
	}
	return fields
}

// moved counts a state transition in the batches-by-state gauge. It is
// best effort: the gauge may drift by a batch if a process dies between a
// transition and this call.
func (s *Batches) moved(ctx context.Context, from, to bulkverify.State) {
	ctx = context.WithoutCancel(ctx)
	s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		if from != "" {
			p.HIncrBy(ctx, statesKey, string(from), -1)
		}
		p.HIncrBy(ctx, statesKey, string(to), 1)
		return nil
	})
}

// CountByState returns how many batches are in each state.
func (s *Batches) CountByState(ctx context.Context) (map[bulkverify.State]int, error) {
	h, err := s.rdb.HGetAll(ctx, statesKey).Result()
	if err != nil {
		return nil, fmt.Errorf("count batches by state: %w", err)
	}
	out := map[bulkverify.State]int{}
	for _, st := range bulkverify.States {
		n, _ := strconv.Atoi(h[string(st)])
		out[st] = max(n, 0)
	}
	return out, nil
}

// getScript reads one batch in one call: its hash, its done chunks and,
// while it runs, the saved rows of its chunks in flight (so that progress
// moves row by row, not chunk by chunk) and its pace samples. A batch that
// has ended (ARGV[2..]) skips the last two: they no longer change. The
// rows keys share the batch's hash tag, so they live in the same cluster
// slot.
//
//go:embed get.lua
var getLua string

var getScript = newScript[getArgs](getLua)

// endedStates are the states getScript skips in-flight rows and pace in.
var endedStates = func() (out []any) {
	for _, st := range bulkverify.States {
		if st.Ended() {
			out = append(out, string(st))
		}
	}
	return out
}()

// getArgs read batch id.
type getArgs struct{ id string }

func (a getArgs) keysArgs() ([]string, []any) {
	args := append([]any{rowsPrefix(a.id)}, endedStates...)
	return []string{batchKey(a.id), doneKey(a.id), inflightKey(a.id), paceKey(a.id)}, args
}

// Get returns the batch with id, or ErrBatchNotFound.
func (s *Batches) Get(ctx context.Context, id string) (bulkverify.Batch, error) {
	bs, err := s.GetMany(ctx, []string{id})
	if err != nil {
		return bulkverify.Batch{}, err
	}
	if len(bs) == 0 {
		return bulkverify.Batch{}, fmt.Errorf("get batch %s: %w", id, ErrBatchNotFound)
	}
	return bs[0], nil
}

// GetMany returns the batches with ids that exist, in the order of ids.
func (s *Batches) GetMany(ctx context.Context, ids []string) ([]bulkverify.Batch, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	replies := make([]*redis.Cmd, len(ids))
	read := func() error {
		_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, id := range ids {
				replies[i] = getScript.EvalSha(ctx, p, getArgs{id})
			}
			return nil
		})
		return err
	}
	err := read()
	if redis.HasErrorPrefix(err, "NOSCRIPT") { // the first read, or Redis restarted or flushed its scripts
		if err = getScript.Load(ctx, s.rdb).Err(); err == nil {
			err = read()
		}
	}
	if err != nil {
		return nil, fmt.Errorf("get batches: %w", err)
	}
	now := s.now()
	out := make([]bulkverify.Batch, 0, len(ids))
	for i, c := range replies {
		reply, err := c.Slice()
		if err != nil {
			return nil, fmt.Errorf("get batch %s: %w", ids[i], err)
		}
		if b, ok := s.decode(ids[i], reply, now); ok {
			out = append(out, b)
		}
	}
	return out, nil
}

// decode makes a batch of getScript's reply: {hash fields and values,
// done chunks, saved rows of chunks in flight, pace samples}, or {} when
// the batch does not exist.
func (s *Batches) decode(id string, reply []any, now time.Time) (bulkverify.Batch, bool) {
	if len(reply) != 4 {
		return bulkverify.Batch{}, false
	}
	flat, _ := reply[0].([]any)
	h := make(map[string]string, len(flat)/2)
	for i := 0; i+1 < len(flat); i += 2 {
		k, _ := flat[i].(string)
		v, _ := flat[i+1].(string)
		h[k] = v
	}
	doneChunks, _ := reply[1].(int64)
	inFlight, _ := reply[2].(int64)
	var samples []string
	if list, ok := reply[3].([]any); ok {
		samples = make([]string, 0, len(list))
		for _, v := range list {
			if smp, ok := v.(string); ok {
				samples = append(samples, smp)
			}
		}
	}
	n := func(k string) int { v, _ := strconv.Atoi(h[k]); return v }
	t := func(k string) time.Time {
		ms, err := strconv.ParseInt(h[k], 10, 64)
		if err != nil || ms == 0 {
			return time.Time{}
		}
		return time.UnixMilli(ms).UTC()
	}
	b := bulkverify.Batch{
		ID:            id,
		Tenant:        h[fieldTenant],
		Provider:      h[fieldProvider],
		State:         bulkverify.State(h[fieldState]),
		Stop:          bulkverify.Stop(h[fieldStop]),
		TotalRows:     n(fieldTotalRows),
		RejectedRows:  n(fieldRejectedRows),
		Duplicates:    n(fieldDuplicates),
		Chunks:        n(fieldChunks),
		DoneChunks:    int(doneChunks),
		ProcessedRows: min(n(fieldProcessedRows)+int(inFlight), n(fieldTotalRows)),
		Verified:      n(fieldVerified),
		NotVerified:   n(fieldNotVerified),
		Failed:        n(fieldFailed),
		FailureReason: h[fieldFailureReason],
		DataKey:       h[fieldDataKey],
		ParentID:      h[fieldParent],
		CallbackURL:   h[fieldCallbackURL],
		CreatedAt:     t(fieldCreatedAt),
		StartedAt:     t(fieldStartedAt),
		FinalizingAt:  t(fieldFinalizingAt),
		CompletedAt:   t(fieldCompletedAt),
		CancellingAt:  t(fieldCancellingAt),
		CancelledAt:   t(fieldCancelledAt),
		FailedAt:      t(fieldFailedAt),
		ExpiredAt:     t(fieldExpiredAt),
	}
	if f, err := strconv.ParseFloat(h[fieldMaxFailureRate], 64); err == nil {
		b.MaxFailureRate = &f
	}
	if m := h[fieldMetadata]; m != "" {
		json.Unmarshal([]byte(m), &b.Metadata)
	}
	for k, v := range h {
		if code, ok := strings.CutPrefix(k, fieldCodePrefix); ok {
			if b.Codes == nil {
				b.Codes = map[bulkverify.Code]int{}
			}
			b.Codes[bulkverify.Code(code)], _ = strconv.Atoi(v)
		}
	}
	if f := b.FinishedAt(); !f.IsZero() {
		b.ExpiresAt = f.Add(s.retention)
	}
	b.RowsPerSecond, b.RateKnown = pace(b, samples, now)
	return b, true
}

// pace returns the rows per second over the last minute from the samples
// ("unix_ms:processed_rows", oldest first) that chunk completions leave,
// measured up to now against the batch's current count. A finished batch
// gives its average over its whole run.
func pace(b bulkverify.Batch, samples []string, now time.Time) (float64, bool) {
	if b.StartedAt.IsZero() {
		return 0, false
	}
	if f := b.FinishedAt(); !f.IsZero() {
		if d := f.Sub(b.StartedAt).Seconds(); d > 0 {
			return round1(float64(b.ProcessedRows) / d), true
		}
		return 0, false
	}
	baseAt, baseRows := b.StartedAt, 0
	cutoff := now.Add(-time.Minute)
	for _, smp := range samples {
		ms, rows, ok := strings.Cut(smp, ":")
		msN, err1 := strconv.ParseInt(ms, 10, 64)
		rowsN, err2 := strconv.Atoi(rows)
		if !ok || err1 != nil || err2 != nil {
			continue
		}
		at := time.UnixMilli(msN)
		if at.After(cutoff) {
			break
		}
		baseAt, baseRows = at, rowsN
	}
	d := now.Sub(baseAt).Seconds()
	if d < 1 {
		return 0, false
	}
	return round1(max(float64(b.ProcessedRows-baseRows), 0) / d), true
}

func round1(f float64) float64 { return float64(int64(f*10+0.5)) / 10 }

//go:embed start.lua
var startLua string

var startScript = newScript[startArgs](startLua)

// startArgs move batch id from queued to processing at now.
type startArgs struct {
	id  string
	now time.Time
}

func (a startArgs) keysArgs() ([]string, []any) {
	return []string{batchKey(a.id)}, []any{a.now.UnixMilli(), string(bulkverify.StateQueued), string(bulkverify.StateProcessing)}
}

// DataKey returns the wrapped data key of batch id's input.
func (s *Batches) DataKey(ctx context.Context, id string) (string, error) {
	if k, ok := s.dataKeys.get(id, s.now()); ok {
		return k, nil // a batch's data key never changes; it is only deleted with its files
	}
	k, err := s.rdb.HGet(ctx, batchKey(id), fieldDataKey).Result()
	if errors.Is(err, redis.Nil) {
		return "", fmt.Errorf("data key of batch %s: %w", id, ErrBatchNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("data key of batch %s: %w", id, err)
	}
	s.dataKeys.put(id, k, s.now())
	return k, nil
}

// maxCachedHeaders bounds the headers Input keeps: a header is at most
// 64 KB (batchcsv.MaxHeaderBytes), so they take at most 16 MB.
const maxCachedHeaders = 256

// Input returns what a worker needs to read a chunk of batch id's input:
// the wrapped data key, and the header stored by Create (nil for a batch
// created before headers were stored with the batch, whose chunk payloads
// carry it). Both come in one round trip, and are then remembered for a
// minute: neither changes.
func (s *Batches) Input(ctx context.Context, id string) (dataKey string, header []string, err error) {
	now := s.now()
	if k, ok := s.dataKeys.get(id, now); ok {
		if h, ok := s.headers.get(id, now); ok {
			return k, h, nil
		}
	}
	var key, head *redis.StringCmd
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		key = p.HGet(ctx, batchKey(id), fieldDataKey)
		head = p.Get(ctx, headerKey(id))
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return "", nil, fmt.Errorf("input of batch %s: %w", id, err)
	}
	if errors.Is(key.Err(), redis.Nil) {
		return "", nil, fmt.Errorf("input of batch %s: %w", id, ErrBatchNotFound)
	}
	if head.Err() == nil {
		if err := json.Unmarshal([]byte(head.Val()), &header); err != nil {
			return "", nil, fmt.Errorf("header of batch %s: %w", id, err)
		}
	}
	s.dataKeys.put(id, key.Val(), now)
	s.headers.put(id, header, now)
	return key.Val(), header, nil
}

// StopOf returns why batch id is being stopped, or "" when it is not.
func (s *Batches) StopOf(ctx context.Context, id string) (bulkverify.Stop, error) {
	stops, err := s.Stops(ctx, []string{id})
	if err != nil {
		return "", err
	}
	return stops[id], nil
}

// Stops returns, for each of ids being stopped, why. A batch whose state is
// gone counts as cancelled: nothing more should be done for it.
func (s *Batches) Stops(ctx context.Context, ids []string) (map[string]bulkverify.Stop, error) {
	cmds := make([]*redis.SliceCmd, len(ids))
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range ids {
			cmds[i] = p.HMGet(ctx, batchKey(id), fieldStop, fieldState)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read stop of batches: %w", err)
	}
	out := map[string]bulkverify.Stop{}
	for i, c := range cmds {
		v := c.Val()
		if len(v) < 2 || v[1] == nil {
			out[ids[i]] = bulkverify.StopCancelled
			continue
		}
		if stop, _ := v[0].(string); stop != "" {
			out[ids[i]] = bulkverify.Stop(stop)
		}
	}
	return out, nil
}

// MarkStarted moves a queued batch to processing; later calls do nothing.
func (s *Batches) MarkStarted(ctx context.Context, id string) error {
	if _, ok := s.started.get(id, s.now()); ok {
		return nil // a batch never goes back to queued
	}
	moved, err := startScript.Run(ctx, s.rdb, startArgs{id: id, now: s.now()}).Int()
	if err != nil {
		return fmt.Errorf("mark batch %s started: %w", id, err)
	}
	if moved == 1 {
		s.moved(ctx, bulkverify.StateQueued, bulkverify.StateProcessing)
	}
	s.started.put(id, true, s.now())
	return nil
}

//go:embed complete_chunk.lua
var completeChunkLua string

var completeChunkScript = newScript[completeChunkArgs](completeChunkLua)

// completeChunkArgs record chunk of batch id done with counts c at now;
// the done set is kept for retention.
type completeChunkArgs struct {
	id        string
	chunk     int
	c         bulkverify.ChunkCounts
	retention time.Duration
	now       time.Time
}

func (a completeChunkArgs) keysArgs() ([]string, []any) {
	keys := []string{batchKey(a.id), doneKey(a.id), inflightKey(a.id), paceKey(a.id), rowsKey(a.id, a.chunk)}
	args := []any{a.chunk, a.c.Rows, a.c.Verified, a.c.NotVerified, a.c.Failed, int(a.retention / time.Second), a.now.UnixMilli(),
		string(bulkverify.StateFinalizing), stateList(bulkverify.State.Ended), string(bulkverify.StopAborted), bulkverify.FailureRateFloor}
	return keys, append(args, codeArgs(a.c.Codes)...)
}

// stateList is the states for which keep holds, comma-separated, as the
// scripts receive them: stateList(bulkverify.State.Ended) or
// stateList(bulkverify.State.Finished).
func stateList(keep func(bulkverify.State) bool) string {
	var out []string
	for _, st := range bulkverify.States {
		if keep(st) {
			out = append(out, string(st))
		}
	}
	return strings.Join(out, ",")
}

func codeArgs(codes map[bulkverify.Code]int) []any {
	keys := make([]string, 0, len(codes))
	for c := range codes {
		keys = append(keys, string(c))
	}
	sort.Strings(keys)
	out := []any{len(keys)}
	for _, k := range keys {
		out = append(out, k, codes[bulkverify.Code(k)])
	}
	return out
}

// CompleteChunk records chunk of batch id as done and adds its counts, once
// however often it is called for the same chunk, and drops the chunk's
// saved rows in the same step.
func (s *Batches) CompleteChunk(ctx context.Context, id string, chunk int, c bulkverify.ChunkCounts) (bulkverify.ChunkDone, error) {
	a := completeChunkArgs{id: id, chunk: chunk, c: c, retention: s.retention, now: s.now()}
	res, err := completeChunkScript.Run(ctx, s.rdb, a).Int64Slice()
	if err != nil {
		return bulkverify.ChunkDone{}, fmt.Errorf("complete chunk %d of batch %s: %w", chunk, id, err)
	}
	if res[0] < 0 {
		return bulkverify.ChunkDone{}, fmt.Errorf("complete chunk %d of batch %s: %w", chunk, id, ErrBatchNotFound)
	}
	if res[2] == 1 {
		s.moved(ctx, bulkverify.StateProcessing, bulkverify.StateFinalizing)
	}
	done := bulkverify.ChunkDone{First: res[0] == 1, AllDone: res[1] == 1, Aborted: res[3] == 1}
	if done.Aborted {
		if err := s.explainAbort(ctx, id); err != nil {
			return done, err
		}
	}
	return done, nil
}

// explainAbort stores the failure_reason of a batch its failure threshold
// stopped, as the domain words it (bulkverify.AbortReason).
func (s *Batches) explainAbort(ctx context.Context, id string) error {
	b, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	if err := s.rdb.HSet(ctx, batchKey(id), fieldFailureReason, bulkverify.AbortReason(b)).Err(); err != nil {
		return fmt.Errorf("record why batch %s stopped: %w", id, err)
	}
	return nil
}

//go:embed cancel.lua
var cancelLua string

var cancelScript = newScript[cancelArgs](cancelLua)

// cancelArgs cancel batch id at now.
type cancelArgs struct {
	id  string
	now time.Time
}

func (a cancelArgs) keysArgs() ([]string, []any) {
	var tooLate []string
	for _, st := range bulkverify.States {
		if st != bulkverify.StateCancelled && (st.Ended() || st == bulkverify.StateFinalizing) {
			tooLate = append(tooLate, string(st))
		}
	}
	return []string{batchKey(a.id), inflightKey(a.id)}, []any{a.now.UnixMilli(), string(bulkverify.StateCancelling),
		string(bulkverify.StateCancelled), strings.Join(tooLate, ","), string(bulkverify.StopCancelled)}
}

// Cancel moves a batch to cancelling: no more chunks are released and the
// workers cut the rows in flight. It returns ErrBatchNotFound, or a
// *bulkverify.Error EBatchFinished when the batch is past cancelling.
func (s *Batches) Cancel(ctx context.Context, id string) (bulkverify.CancelResult, error) {
	res, err := cancelScript.Run(ctx, s.rdb, cancelArgs{id: id, now: s.now()}).Slice()
	if err != nil {
		return bulkverify.CancelResult{}, fmt.Errorf("cancel batch %s: %w", id, err)
	}
	outcome, _ := res[0].(int64)
	prev, _ := res[1].(string)
	inflight, _ := res[2].(int64)
	switch outcome {
	case -1:
		return bulkverify.CancelResult{}, fmt.Errorf("cancel batch %s: %w", id, ErrBatchNotFound)
	case -2:
		return bulkverify.CancelResult{}, bulkverify.Errorf(bulkverify.EBatchFinished, "batch %s is %s: it can no longer be cancelled", id, prev)
	case 1:
		s.moved(ctx, bulkverify.State(prev), bulkverify.StateCancelling)
	}
	return bulkverify.CancelResult{Cancelled: outcome == 1, Idle: inflight == 0 && bulkverify.State(prev) != bulkverify.StateCancelled}, nil
}

//go:embed finish.lua
var finishLua string

var finishScript = newScript[finishArgs](finishLua)

// finishArgs record that batch id ended in state at now with counts c;
// its state is then kept for keep.
type finishArgs struct {
	id    string
	state bulkverify.State
	c     bulkverify.ChunkCounts
	now   time.Time
	keep  time.Duration
}

func (a finishArgs) keysArgs() ([]string, []any) {
	args := []any{string(a.state), stateTimeField(a.state), a.now.UnixMilli(), stateList(bulkverify.State.Ended),
		a.c.Rows, a.c.Verified, a.c.NotVerified, a.c.Failed, int(a.keep / time.Second)}
	return []string{batchKey(a.id), planKey(a.id), paceKey(a.id), outboxKey(a.id)}, append(args, codeArgs(a.c.Codes)...)
}

// MarkFinished records that the output is ready and the batch's final
// state, with the counts read back from the output, and puts the event
// announcing it in the batch's outbox in the same script (see Outbox). A
// batch already finished is left alone.
func (s *Batches) MarkFinished(ctx context.Context, id string, state bulkverify.State, c bulkverify.ChunkCounts) error {
	if err := s.markOutbox(ctx, id); err != nil {
		return fmt.Errorf("mark batch %s %s: %w", id, state, err)
	}
	a := finishArgs{id: id, state: state, c: c, now: s.now(), keep: s.stateTTL()}
	prev, err := finishScript.Run(ctx, s.rdb, a).Text()
	if err != nil {
		return fmt.Errorf("mark batch %s %s: %w", id, state, err)
	}
	if prev == "" {
		return fmt.Errorf("mark batch %s %s: %w", id, state, ErrBatchNotFound)
	}
	if !bulkverify.State(prev).Ended() {
		s.moved(ctx, bulkverify.State(prev), state)
		if err := s.finished(ctx, id, s.now()); err != nil {
			return fmt.Errorf("mark batch %s %s: %w", id, state, err)
		}
		_ = NewEndedBatches(s.rdb).Publish(ctx, id) // best effort: see EndedBatches
	}
	return s.forget(ctx, id)
}

// stateTimeField is the hash field that holds when a batch entered state.
func stateTimeField(state bulkverify.State) string {
	switch state {
	case bulkverify.StateQueued:
		return fieldCreatedAt
	case bulkverify.StateProcessing:
		return fieldStartedAt
	}
	return string(state) + "_at"
}
