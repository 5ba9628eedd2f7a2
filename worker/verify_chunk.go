// Package worker holds the asynq handlers that verify chunks of rows and
// assemble a batch's output, the retry policy they share and the sweeper.
package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/hibiken/asynq"
	"golang.org/x/sync/errgroup"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/batchcsv"
	"github.com/bulkverify/bulkverify/jobs"
	"github.com/bulkverify/bulkverify/ratelimit"
)

// BatchStore is the batch state the handlers update.
type BatchStore interface {
	Get(ctx context.Context, id string) (bulkverify.Batch, error)
	MarkStarted(ctx context.Context, id string) error
	CompleteChunk(ctx context.Context, id string, chunk int, c bulkverify.ChunkCounts) (bulkverify.ChunkDone, error)
	MarkFinished(ctx context.Context, id string, state bulkverify.State, c bulkverify.ChunkCounts) error
	StopOf(ctx context.Context, id string) (bulkverify.Stop, error)
	// Input returns the batch's wrapped data key and its header (nil for a
	// batch whose chunk payloads carry it).
	Input(ctx context.Context, id string) (dataKey string, header []string, err error)
}

// Checkpoints is what the handlers keep of a batch's chunks: which are
// done or in flight, their payloads, their saved rows and hand-backs.
type Checkpoints interface {
	ChunkIsDone(ctx context.Context, id string, chunk int) (bool, error)
	DoneChunks(ctx context.Context, id string) (map[int]bool, error)
	InFlight(ctx context.Context, id string) ([]int, error)
	ChunkPayloads(ctx context.Context, id string) (map[int][]byte, error)
	SaveRows(ctx context.Context, id string, chunk int, results map[int][]byte, setTTL bool) error
	SavedRows(ctx context.Context, id string, chunk int) (map[int][]byte, error)
	Requeues(ctx context.Context, id string, chunk int) (int, error)
	AddRequeue(ctx context.Context, id string, chunk int) error
}

// FileStore is the object store the handlers read and write.
type FileStore interface {
	OpenInputRange(ctx context.Context, id, wrappedKey string, offset, length int64) (io.ReadCloser, error)
	PutPart(ctx context.Context, id string, chunk int, b []byte) error
	OpenPart(ctx context.Context, id string, chunk int) (io.ReadCloser, error)
	PutOutput(ctx context.Context, id string, r io.Reader) error
	PutErrors(ctx context.Context, id string, r io.Reader) error
}

// Enqueuer queues a task.
type Enqueuer interface {
	EnqueueContext(ctx context.Context, task *asynq.Task, opts ...asynq.Option) (*asynq.TaskInfo, error)
}

// Releaser moves a batch's chunks into the queue as its window allows.
type Releaser interface {
	Release(ctx context.Context, batchID string) (int, error)
}

// Announcer queues a batch's webhook events (see webhook.Emitter).
type Announcer interface {
	Finished(ctx context.Context, b bulkverify.Batch, state bulkverify.State) error
	Progressed(ctx context.Context, batchID string) error
}

// Handlers processes verify:chunk and batch:finalize tasks.
type Handlers struct {
	Batches     BatchStore
	Checkpoints Checkpoints
	Files       FileStore
	Queue       Enqueuer
	Feeder      Releaser
	Webhooks    Announcer // queues the batches' webhook events; nil sends none
	Verifiers   map[string]bulkverify.Verifier
	// Specs are every known provider's columns and row checks, by name.
	Specs map[string]bulkverify.Spec
	// RowConcurrency bounds the rows of one chunk verified at once.
	RowConcurrency int
	// Slicer makes a chunk slowed by a saturated rate limit hand its slot
	// back to waiting work; nil never does.
	Slicer  *Slicer
	Backoff Backoff
	// MaxRequeues bounds how often a chunk is handed back for rate
	// limiting; on the last delivery throttled rows fail instead.
	MaxRequeues int
	// MaxChunkCrashes bounds the deliveries of a chunk that may crash
	// their worker (out of memory, a panic; counted by Leases): the next
	// one settles the chunk without verifying it (0 is taken as 1).
	MaxChunkCrashes int
	// CheckpointEvery is how often a running chunk saves its finished
	// rows (0: every 250ms); see checkpointSaver.
	CheckpointEvery time.Duration
	// Stops cuts a chunk's rows in flight when its batch is stopped.
	Stops *StopWatch
	// Leases holds a lease on each chunk while it runs, so that the chunk
	// is queued again soon if this worker dies, and counts the deliveries
	// that crashed; nil counts none.
	Leases  *Leases
	Now     func() time.Time
	Log     *slog.Logger
	Metrics *Metrics
}

// Register adds the handlers to mux.
func (h *Handlers) Register(mux *asynq.ServeMux) {
	mux.HandleFunc(jobs.TypeVerifyChunk, h.VerifyChunk)
	mux.HandleFunc(jobs.TypeFinalize, h.Finalize)
}

// VerifyChunk verifies the rows of one chunk, writes them as the chunk's
// part and records the chunk as done. A chunk delivered again overwrites its
// part, is counted once, and does not call the upstream again for the rows
// it had finished. On its last allowed attempt, a chunk that still cannot be
// verified is written with its unfinished rows FAILED, so that its batch
// completes instead of waiting forever; so is a chunk whose deliveries
// crashed their worker MaxChunkCrashes times (see settleCrashed).
func (h *Handlers) VerifyChunk(ctx context.Context, t *asynq.Task) (err error) {
	p, err := jobs.DecodeVerifyChunk(t.Payload())
	if err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	crashes, release := h.Leases.Hold(ctx, p.BatchID, p.Index)
	defer func() { err = h.endDelivery(p, release, recover(), err) }()
	done, err := h.Checkpoints.ChunkIsDone(ctx, p.BatchID, p.Index)
	if err != nil {
		return err
	}
	if done {
		// Delivered again after it completed (a lost acknowledgement): its
		// part is written; only what follows completion may be missing.
		chunkLog(h.Log, p).Info("chunk already done; not verified again")
		return h.finishChunk(ctx, p, nil)
	}
	if crashes >= h.maxCrashes() {
		return h.settleCrashed(ctx, p, crashes)
	}
	if stop, err := h.Batches.StopOf(ctx, p.BatchID); err != nil || stop != "" {
		if err != nil {
			return err
		}
		return h.stopChunk(ctx, p, stop)
	}
	start := time.Now()
	defer func() { h.Metrics.ChunkDuration.WithLabelValues(p.Provider).Observe(time.Since(start).Seconds()) }()
	results, err := h.verifyChunk(ctx, p)
	if err != nil {
		if stop, serr := h.Batches.StopOf(ctx, p.BatchID); serr == nil && stop != "" {
			return h.stopChunk(ctx, p, stop)
		}
		var pe *panicError
		if !lastAttempt(ctx, err) || errors.As(err, &pe) {
			return err // a panic is a crash: settled by a later delivery
		}
		return h.giveUp(ctx, p, err)
	}
	return h.finishChunk(ctx, p, results)
}

// stopChunk completes a chunk of a batch being stopped: rows already
// finished keep their results, the others end FAILED with the stop's code,
// retryable.
func (h *Handlers) stopChunk(ctx context.Context, p jobs.VerifyChunk, stop bulkverify.Stop) error {
	results, err := h.settleRows(ctx, p, stopResult(stop, h.Now))
	if err != nil {
		return err
	}
	chunkLog(h.Log, p).Info("chunk stopped with its batch", "stop", stop)
	return h.finishChunk(ctx, p, results)
}

// stopResult returns the result of a row a stop left unprocessed.
func stopResult(stop bulkverify.Stop, now func() time.Time) func(bulkverify.Row) bulkverify.Result {
	msg := "the batch was cancelled before this row was verified; retry the batch's failed rows to verify it"
	if stop == bulkverify.StopAborted {
		msg = "the batch was stopped (its max_failure_rate was crossed) before this row was verified; fix the file and retry"
	}
	return func(row bulkverify.Row) bulkverify.Result {
		r := bulkverify.Failed(row, stop.Code(), msg, true)
		r.VerifiedAt = now().UTC().Format(time.RFC3339)
		return r
	}
}

// settleRows returns the results of a chunk that will not be verified (any
// further): rows saved by a delivery keep their results, duplicates get a
// placeholder the finalizer fills, the others get fill(row).
func (h *Handlers) settleRows(ctx context.Context, p jobs.VerifyChunk, fill func(bulkverify.Row) bulkverify.Result) ([]bulkverify.Result, error) {
	spec := h.Specs[p.Provider] // the zero Spec reads rows all the same
	rows, _, err := h.readChunk(ctx, p, spec)
	if err != nil {
		return nil, err
	}
	return h.settle(ctx, p, rows, fill)
}

// settle is settleRows for rows already read.
func (h *Handlers) settle(ctx context.Context, p jobs.VerifyChunk, rows []bulkverify.Row, fill func(bulkverify.Row) bulkverify.Result) ([]bulkverify.Result, error) {
	saved, err := h.Checkpoints.SavedRows(ctx, p.BatchID, p.Index)
	if err != nil {
		return nil, err
	}
	results := make([]bulkverify.Result, len(rows))
	for i, row := range rows {
		if _, dup := p.Dups[row.Number]; dup {
			results[i] = duplicatePlaceholder(row)
			continue
		}
		if b, ok := saved[row.Number]; ok && json.Unmarshal(b, &results[i]) == nil {
			continue
		}
		results[i] = bulkverify.Annotate(h.Verifiers[p.Provider], row, fill(row))
		h.Metrics.observeRow(p.Provider, results[i])
	}
	return results, nil
}

// duplicatePlaceholder stands in a part for a row that repeats an earlier
// one: no status yet; the finalizer gives it the earlier row's result.
func duplicatePlaceholder(row bulkverify.Row) bulkverify.Result {
	return bulkverify.Result{RowNumber: row.Number, ReferenceID: row.ReferenceID()}
}

func (h *Handlers) verifyChunk(ctx context.Context, p jobs.VerifyChunk) ([]bulkverify.Result, error) {
	spec, ok := h.Specs[p.Provider]
	if !ok {
		return nil, fmt.Errorf("chunk %d of batch %s: unknown provider %q: %w", p.Index, p.BatchID, p.Provider, asynq.SkipRetry)
	}
	v, ok := h.Verifiers[p.Provider]
	if !ok {
		return nil, fmt.Errorf("no worker has a %s client: set %sBASE_URL and its credentials on the workers", p.Provider, bulkverify.EnvPrefix(p.Provider))
	}
	if err := h.Batches.MarkStarted(ctx, p.BatchID); err != nil {
		return nil, err
	}
	rows, reasons, err := h.readChunk(ctx, p, spec)
	if err != nil {
		return nil, err
	}
	wctx, release := h.Stops.Watch(ctx, p.BatchID)
	defer release()
	// One Memo per chunk: what rows share (an account's profile, a
	// refreshed token) is asked of the upstream once per chunk.
	return h.verifyRows(bulkverify.WithMemo(ratelimit.WithBatch(wctx, p.BatchID)), p, v, rows, reasons)
}

// lastAttempt reports whether asynq will not deliver the task again after
// err. A rate-limit hand-back never is the last: verifyRows caps those.
func lastAttempt(ctx context.Context, err error) bool {
	if !IsFailure(err) {
		return false
	}
	if errors.Is(err, asynq.SkipRetry) {
		return true
	}
	retried, ok1 := asynq.GetRetryCount(ctx)
	maxRetry, ok2 := asynq.GetMaxRetry(ctx)
	return ok1 && ok2 && retried >= maxRetry
}

// giveUp completes a chunk that cannot be verified: rows already finished
// keep their results, the others are FAILED/UPSTREAM_UNAVAILABLE with cause.
func (h *Handlers) giveUp(ctx context.Context, p jobs.VerifyChunk, cause error) error {
	reason := strings.TrimSuffix(cause.Error(), ": "+asynq.SkipRetry.Error())
	results, err := h.settleRows(ctx, p, func(row bulkverify.Row) bulkverify.Result {
		r := bulkverify.Failed(row, bulkverify.CodeUpstreamUnavailable,
			"the row could not be verified ("+reason+"); submit it again", true)
		r.VerifiedAt = h.Now().UTC().Format(time.RFC3339)
		return r
	})
	if err != nil {
		return fmt.Errorf("%w (and giving up failed too: %v)", cause, err)
	}
	chunkLog(h.Log, p).Error("chunk given up: its unfinished rows are FAILED", "err", cause)
	if err := h.finishChunk(ctx, p, results); err != nil {
		return fmt.Errorf("%w (and giving up failed too: %v)", cause, err)
	}
	return nil
}

// finishChunk writes the chunk's part, records it done and moves the batch
// on: the next chunks, or the finalizer. With no results, the part is taken
// as written already.
func (h *Handlers) finishChunk(ctx context.Context, p jobs.VerifyChunk, results []bulkverify.Result) error {
	var counts bulkverify.ChunkCounts
	if results != nil {
		part, err := batchcsv.EncodePart(results)
		if err != nil {
			return err
		}
		if err := h.Files.PutPart(ctx, p.BatchID, p.Index, part); err != nil {
			return err
		}
		for _, r := range results {
			if r.Status == "" {
				counts.Rows++ // a duplicate: counted by status once finalized
				continue
			}
			counts.Add(r)
		}
	}
	done, err := h.Batches.CompleteChunk(ctx, p.BatchID, p.Index, counts)
	if bulkverify.ErrorCode(err) == bulkverify.ENotFound {
		return fmt.Errorf("%w (its state expired or was deleted): %w", err, asynq.SkipRetry)
	}
	if err != nil {
		return err
	}
	if done.Aborted {
		h.Metrics.Aborts.WithLabelValues(p.Provider).Inc()
		chunkLog(h.Log, p).Warn("batch crossed its max_failure_rate: stopping it")
	}
	if done.AllDone {
		return jobs.EnqueueFinalize(ctx, h.Queue, p.BatchID)
	}
	if h.Webhooks != nil && done.First {
		if err := h.Webhooks.Progressed(ctx, p.BatchID); err != nil {
			chunkLog(h.Log, p).Warn("queue progress webhook; the next chunk tries again", "err", err)
		}
	}
	if _, err := h.Feeder.Release(ctx, p.BatchID); err != nil {
		chunkLog(h.Log, p).Warn("release next chunks; the sweeper will retry", "err", err)
	}
	return nil
}

// readChunk reads the chunk's rows from the stored input, under the header
// stored with the batch, or the one its payload carries when it was queued
// before headers were stored with the batch.
func (h *Handlers) readChunk(ctx context.Context, p jobs.VerifyChunk, spec bulkverify.Spec) ([]bulkverify.Row, []string, error) {
	dataKey, header, err := h.Batches.Input(ctx, p.BatchID)
	if err != nil {
		return nil, nil, err
	}
	if len(p.Header) > 0 {
		header = p.Header
	}
	if len(header) == 0 {
		return nil, nil, fmt.Errorf("chunk %d of batch %s: the batch has no stored header: %w", p.Index, p.BatchID, asynq.SkipRetry)
	}
	body, err := h.Files.OpenInputRange(ctx, p.BatchID, dataKey, p.Offset, p.Length)
	if err != nil {
		return nil, nil, err
	}
	defer body.Close()
	rows, reasons, err := batchcsv.ReadRows(body, header, p.Chunk, spec)
	if err != nil {
		return nil, nil, fmt.Errorf("batch %s: %w", p.BatchID, err)
	}
	if len(rows) != p.Rows {
		return nil, nil, fmt.Errorf("chunk %d of batch %s: read %d rows, want %d: %w", p.Index, p.BatchID, len(rows), p.Rows, asynq.SkipRetry)
	}
	return rows, reasons, nil
}

// verifyRows verifies rows concurrently, at most RowConcurrency at a time,
// saving each result as it is reached. Rows that failed validation are not
// sent upstream; rows saved by an earlier delivery are not sent again. When
// the provider kept throttling some rows, it returns a *RateLimitError
// after the others finish.
func (h *Handlers) verifyRows(ctx context.Context, p jobs.VerifyChunk, v bulkverify.Verifier, rows []bulkverify.Row, reasons []string) ([]bulkverify.Result, error) {
	saved, err := h.Checkpoints.SavedRows(ctx, p.BatchID, p.Index)
	if err != nil {
		return nil, err
	}
	requeues, err := h.Checkpoints.Requeues(ctx, p.BatchID, p.Index)
	if err != nil {
		return nil, err
	}
	run := rowRun{provider: p.Provider, verifier: v, backoff: h.Backoff, now: h.Now, metrics: h.Metrics, final: requeues >= h.MaxRequeues, budget: newRetryBudget(len(rows))}
	results := make([]bulkverify.Result, len(rows))
	var mu sync.Mutex
	var throttled *RateLimitError
	saver := startCheckpoints(ctx, h.Checkpoints, p.BatchID, p.Index, h.CheckpointEvery)
	ctx, sl := h.Slicer.begin(ctx)
	var yielded *YieldError
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(h.RowConcurrency, 1))
	for i, row := range rows {
		if res, ok := h.settledBefore(p, v, row, reasons[i], saved); ok {
			results[i] = res
			continue
		}
		if sl.over(ctx) {
			yielded = &YieldError{Provider: p.Provider, Ran: time.Since(sl.start)}
			break
		}
		g.Go(func() (err error) {
			defer recoverRow(&err)
			res, err := run.verify(gctx, row)
			var rle *RateLimitError
			if errors.As(err, &rle) {
				mu.Lock()
				throttled = rle
				mu.Unlock()
				return nil
			}
			if err != nil {
				return err
			}
			results[i] = res
			h.Metrics.observeRow(p.Provider, res)
			saver.add(res)
			return nil
		})
	}
	err = g.Wait() // before throttled is read: the rows set it
	if err := h.endRows(ctx, p, saver, err, throttled, yielded); err != nil {
		return nil, err
	}
	return results, nil
}

// settledBefore returns the result of a row that is not sent upstream in
// this delivery, and true: a row that failed validation, a duplicate
// (a placeholder the finalizer fills), a row saved by an earlier delivery.
func (h *Handlers) settledBefore(p jobs.VerifyChunk, v bulkverify.Verifier, row bulkverify.Row, reason string, saved map[int][]byte) (bulkverify.Result, bool) {
	if reason != "" {
		res := bulkverify.Annotate(v, row, bulkverify.Failed(row, bulkverify.CodeInvalidRow, reason+": fix the row and submit it again", false))
		h.Metrics.observeRow(p.Provider, res)
		return res, true
	}
	if _, dup := p.Dups[row.Number]; dup {
		return duplicatePlaceholder(row), true
	}
	var res bulkverify.Result
	if b, ok := saved[row.Number]; ok && json.Unmarshal(b, &res) == nil {
		return res, true
	}
	return bulkverify.Result{}, false
}

// endRows saves the chunk's finished rows and says how the delivery ends:
// err, the rows' error; a *RateLimitError when rows kept being throttled
// (the chunk is handed back); yielded when its slice ran out (see
// Slicer); nil when every row has its result.
func (h *Handlers) endRows(ctx context.Context, p jobs.VerifyChunk, saver *checkpointSaver, err error, throttled *RateLimitError, yielded *YieldError) error {
	// A chunk that will be delivered again keeps its finished rows, even
	// when its batch was just stopped (ctx cancelled).
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if serr := saver.close(sctx, err != nil || throttled != nil || yielded != nil); serr != nil && err == nil {
		err = serr
	}
	if err != nil {
		return fmt.Errorf("chunk %d of batch %s: %w", p.Index, p.BatchID, err)
	}
	if yielded != nil && throttled == nil {
		h.Metrics.Yields.WithLabelValues(p.Provider).Inc()
		return yielded
	}
	if throttled != nil {
		if err := h.Checkpoints.AddRequeue(ctx, p.BatchID, p.Index); err != nil {
			return err
		}
		h.Metrics.Requeues.WithLabelValues(p.Provider).Inc()
		return throttled
	}
	return nil
}

// chunkLog returns the logger of a chunk: every line carries the batch's
// request_id and tenant, so that a log shipper can follow one batch.
func chunkLog(l *slog.Logger, p jobs.VerifyChunk) *slog.Logger {
	return l.With("request_id", p.BatchID, "tenant", p.Tenant, "chunk", p.Index)
}
