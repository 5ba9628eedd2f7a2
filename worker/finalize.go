package worker

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/hibiken/asynq"
	"golang.org/x/sync/errgroup"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/batchcsv"
	"github.com/bulkverify/bulkverify/jobs"
)

// Finalize assembles output.csv and errors.csv of a batch whose chunks are
// all done (or, for a batch being stopped, whose released chunks are all
// done) and marks the batch finished: completed, cancelled or failed. Rows
// of chunks a stop left unreleased end FAILED with the stop's code. It
// reads parts ahead of the one it writes, about 20,000 rows of them (see
// partsAhead), so a batch of any size takes the memory of those. Running
// it again
// rebuilds the same files. It holds a lease while it runs, so that it is
// queued again soon if its worker dies (see finalize_lease.go).
func (h *Handlers) Finalize(ctx context.Context, t *asynq.Task) error {
	p, err := jobs.DecodeFinalize(t.Payload())
	if err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	defer h.holdFinalize(ctx, p.BatchID)()
	b, err := h.Batches.Get(ctx, p.BatchID)
	if bulkverify.ErrorCode(err) == bulkverify.ENotFound {
		return fmt.Errorf("finalize batch %s: %w: %w", p.BatchID, err, asynq.SkipRetry)
	}
	if err != nil {
		return err
	}
	if b.State.Ended() {
		// Delivered again after it finished the batch: the webhook may be
		// what a crash left undone (queuing it twice sends it once).
		return h.announce(ctx, b, b.State)
	}
	ready, err := h.readyToFinalize(ctx, b)
	if err != nil || !ready {
		return err
	}
	final := bulkverify.StateCompleted
	if b.Stop != "" {
		final = b.Stop.FinalState()
	}
	start := time.Now()
	counts, err := h.assemble(ctx, b)
	h.Metrics.FinalizeDuration.WithLabelValues(b.Provider).Observe(time.Since(start).Seconds())
	if err != nil {
		return fmt.Errorf("finalize batch %s: %w", b.ID, err)
	}
	if counts.Rows != b.TotalRows {
		return fmt.Errorf("finalize batch %s: assembled %d rows, want %d", b.ID, counts.Rows, b.TotalRows)
	}
	if err := h.Batches.MarkFinished(ctx, b.ID, final, counts); err != nil {
		return err
	}
	h.Metrics.BatchesFinished.WithLabelValues(b.Provider, string(final)).Inc()
	h.Metrics.BatchDuration.WithLabelValues(b.Provider, string(final)).Observe(h.Now().Sub(b.CreatedAt).Seconds())
	h.Log.Info("batch finished", "request_id", b.ID, "tenant", b.Tenant, "state", final, "provider", b.Provider, "rows", counts.Rows,
		"verified", counts.Verified, "not_verified", counts.NotVerified, "failed", counts.Failed)
	return h.announce(ctx, b, final)
}

// announce queues the webhook event of b's final state, which MarkFinished
// wrote to the batch's outbox; an error retries the finalizer, which then
// finds the batch finished and announces again, and meanwhile every
// sweeper drains the outbox too (webhook.Outbox).
func (h *Handlers) announce(ctx context.Context, b bulkverify.Batch, state bulkverify.State) error {
	if h.Webhooks == nil {
		return nil
	}
	return h.Webhooks.Finished(ctx, b, state)
}

// readyToFinalize reports whether b can be assembled now. A batch being
// stopped waits for its chunks in flight; the last of them queues the
// finalizer again.
func (h *Handlers) readyToFinalize(ctx context.Context, b bulkverify.Batch) (bool, error) {
	if b.Stop == "" {
		if b.DoneChunks < b.Chunks {
			// Cannot happen through CompleteChunk; a redelivered chunk
			// queues the finalizer again once the last chunk is done.
			return false, fmt.Errorf("finalize batch %s: %d of %d chunks done: %w", b.ID, b.DoneChunks, b.Chunks, asynq.SkipRetry)
		}
		return true, nil
	}
	inflight, err := h.Checkpoints.InFlight(ctx, b.ID)
	if err != nil {
		return false, err
	}
	if len(inflight) > 0 {
		h.Log.Info("stopped batch still has chunks in flight; the last one queues the finalizer", "request_id", b.ID, "tenant", b.Tenant, "in_flight", len(inflight))
		return false, nil
	}
	return true, nil
}

// assemble streams every part, in chunk order, into output.csv and its
// FAILED rows into errors.csv, uploading both as they are written.
func (h *Handlers) assemble(ctx context.Context, b bulkverify.Batch) (bulkverify.ChunkCounts, error) {
	src, err := h.partSource(ctx, b)
	if err != nil {
		return bulkverify.ChunkCounts{}, err
	}
	outR, outW := io.Pipe()
	errR, errW := io.Pipe()
	g, gctx := errgroup.WithContext(ctx)
	upload := func(put func(context.Context, string, io.Reader) error, r *io.PipeReader) func() error {
		return func() error {
			err := put(gctx, b.ID, r)
			r.CloseWithError(errors.Join(err, io.ErrClosedPipe))
			return err
		}
	}
	g.Go(upload(h.Files.PutOutput, outR))
	g.Go(upload(h.Files.PutErrors, errR))
	var counts bulkverify.ChunkCounts
	g.Go(func() error {
		var err error
		counts, err = h.writeOutputs(gctx, b, src, outW, errW)
		outW.CloseWithError(err)
		errW.CloseWithError(err)
		return err
	})
	return counts, g.Wait()
}

// partSource gives the rows of each chunk of a batch being finalized: its
// part, or for a chunk a stop left undone, its rows settled with the stop's
// code. It also knows which rows repeat which.
type partSource struct {
	h        *Handlers
	batch    bulkverify.Batch
	done     map[int]bool
	payloads map[int][]byte
	// dups maps a duplicate row to the row it repeats; origs keeps the
	// results of the rows repeated later.
	dups  map[int]int
	origs map[int]*bulkverify.Result
}

func (h *Handlers) partSource(ctx context.Context, b bulkverify.Batch) (*partSource, error) {
	payloads, err := h.Checkpoints.ChunkPayloads(ctx, b.ID)
	if err != nil {
		return nil, err
	}
	src := &partSource{h: h, batch: b, payloads: payloads, dups: map[int]int{}, origs: map[int]*bulkverify.Result{}}
	for _, raw := range payloads {
		c, err := jobs.DecodeVerifyChunk(raw)
		if err != nil {
			return nil, err
		}
		for dup, orig := range c.Dups {
			src.dups[dup] = orig
			src.origs[orig] = nil
		}
	}
	if b.Stop != "" {
		if src.done, err = h.Checkpoints.DoneChunks(ctx, b.ID); err != nil {
			return nil, err
		}
	}
	return src, nil
}

// rows returns the results of chunk i, in row order, with the part's
// bytes when it was read as stored.
func (s *partSource) rows(ctx context.Context, i int) (chunkRows, error) {
	if s.batch.Stop == "" || s.done[i] {
		return s.h.readPart(ctx, s.batch.ID, i)
	}
	results, err := s.settled(ctx, i)
	return chunkRows{rows: results}, err
}

// settled returns the rows of chunk i, which a stop left undone, settled
// with the stop's code.
func (s *partSource) settled(ctx context.Context, i int) ([]bulkverify.Result, error) {
	raw, ok := s.payloads[i]
	if !ok {
		return nil, fmt.Errorf("chunk %d has neither a part nor a plan", i)
	}
	p, err := jobs.DecodeVerifyChunk(raw)
	if err != nil {
		return nil, err
	}
	results, err := s.h.settleRows(ctx, p, stopResult(s.batch.Stop, s.h.Now))
	if err != nil {
		return nil, err
	}
	for i := range results {
		results[i] = batchcsv.EscapeResult(results[i])
	}
	return results, nil
}

// resolve gives a duplicate row the result of the row it repeats, and
// keeps the result of a row repeated later.
func (s *partSource) resolve(r bulkverify.Result) (bulkverify.Result, error) {
	if r.Status == "" {
		orig, ok := s.dups[r.RowNumber]
		if !ok || s.origs[orig] == nil {
			return r, fmt.Errorf("row %d has no result and repeats no earlier row", r.RowNumber)
		}
		d := *s.origs[orig]
		d.RowNumber, d.ReferenceID, d.Attempts = r.RowNumber, r.ReferenceID, 0
		d.Message = fmt.Sprintf("%s (same values as row %d, verified once)", d.Message, orig)
		return d, nil
	}
	if _, ok := s.origs[r.RowNumber]; ok {
		c := r
		s.origs[r.RowNumber] = &c
	}
	return r, nil
}

func (h *Handlers) writeOutputs(ctx context.Context, b bulkverify.Batch, src *partSource, out, errs io.Writer) (bulkverify.ChunkCounts, error) {
	var counts bulkverify.ChunkCounts
	obuf, ebuf := bufio.NewWriterSize(out, 256<<10), bufio.NewWriterSize(errs, 64<<10)
	ow, ew := csv.NewWriter(obuf), csv.NewWriter(ebuf)
	ow.Write(batchcsv.ResultHeader)
	ew.Write(batchcsv.ErrorHeader)
	parts := prefetchParts(ctx, b.Chunks, partsAhead(b.TotalRows/max(b.Chunks, 1)), src.rows)
	defer parts.close()
	last := 0
	rec := make([]string, 0, len(batchcsv.ResultHeader))
	for i := 0; i < b.Chunks; i++ {
		part, err := parts.next(ctx)
		if err != nil {
			return counts, err
		}
		// A part whose rows all stand as stored is copied byte for byte:
		// EncodePart wrote them as the writer would.
		verbatim := len(part.raw) > 0 && part.raw[len(part.raw)-1] == '\n'
		for j, r := range part.rows {
			if r.RowNumber <= last {
				return counts, fmt.Errorf("part %d: row %d after row %d", i, r.RowNumber, last)
			}
			last = r.RowNumber
			res, err := src.resolve(r)
			if err != nil {
				return counts, fmt.Errorf("part %d: %w", i, err)
			}
			verbatim = verbatim && res == r
			part.rows[j] = res
			counts.Add(res)
			if res.Status == bulkverify.StatusFailed {
				if err := ew.Write(batchcsv.AppendErrorRow(rec, res)); err != nil {
					return counts, fmt.Errorf("write errors: %w", err)
				}
			}
		}
		if err := writeRows(ow, obuf, part, verbatim, rec); err != nil {
			return counts, fmt.Errorf("write output: %w", err)
		}
	}
	ow.Flush()
	ew.Flush()
	if err := errors.Join(ow.Error(), ew.Error(), obuf.Flush(), ebuf.Flush()); err != nil {
		return counts, fmt.Errorf("write outputs: %w", err)
	}
	return counts, nil
}

// writeRows writes a part's rows to the output: its stored bytes when
// verbatim, else row by row.
func writeRows(ow *csv.Writer, obuf *bufio.Writer, part chunkRows, verbatim bool, rec []string) error {
	if verbatim {
		ow.Flush() // what the csv writer holds goes first
		if err := ow.Error(); err != nil {
			return err
		}
		_, err := obuf.Write(part.raw)
		return err
	}
	for _, r := range part.rows {
		if err := ow.Write(batchcsv.AppendResult(rec, r)); err != nil {
			return err
		}
	}
	return nil
}

// chunkRows are the results of one chunk and, for a part read as stored,
// its bytes.
type chunkRows struct {
	rows []bulkverify.Result
	raw  []byte
}

func (h *Handlers) readPart(ctx context.Context, id string, chunk int) (chunkRows, error) {
	body, err := h.Files.OpenPart(ctx, id, chunk)
	if err != nil {
		return chunkRows{}, err
	}
	defer body.Close()
	raw, err := io.ReadAll(body)
	if err != nil {
		return chunkRows{}, fmt.Errorf("read part %d: %w", chunk, err)
	}
	results, err := batchcsv.DecodePart(bytes.NewReader(raw))
	if err != nil {
		return chunkRows{}, fmt.Errorf("part %d: %w", chunk, err)
	}
	return chunkRows{rows: results, raw: raw}, nil
}
