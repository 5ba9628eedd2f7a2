package worker

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/gocarina/gocsv"
	"github.com/hibiken/asynq"
	"golang.org/x/sync/errgroup"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/jobs"
	"github.com/bulkverify/bulkverify/storage"
)

// Finalize assembles output.csv and errors.csv from the parts of a batch
// whose chunks are all done, and marks the batch completed. It streams one
// part at a time, so a batch of any size takes the memory of one chunk.
// Running it again rebuilds the same files.
func (h *Handlers) Finalize(ctx context.Context, t *asynq.Task) error {
	p, err := jobs.DecodeFinalize(t.Payload())
	if err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	b, err := h.Batches.Get(ctx, p.BatchID)
	if errors.Is(err, storage.ErrBatchNotFound) {
		return fmt.Errorf("finalize batch %s: %w: %w", p.BatchID, err, asynq.SkipRetry)
	}
	if err != nil {
		return err
	}
	if b.State == bulkverify.StateCompleted {
		return nil
	}
	if b.DoneChunks < b.Chunks {
		// Cannot happen through CompleteChunk; a redelivered chunk queues
		// the finalizer again once the last chunk is done.
		return fmt.Errorf("finalize batch %s: %d of %d chunks done: %w", b.ID, b.DoneChunks, b.Chunks, asynq.SkipRetry)
	}
	counts, err := h.assemble(ctx, b)
	if err != nil {
		return fmt.Errorf("finalize batch %s: %w", b.ID, err)
	}
	if counts.Rows != b.TotalRows {
		return fmt.Errorf("finalize batch %s: assembled %d rows, want %d", b.ID, counts.Rows, b.TotalRows)
	}
	if err := h.Batches.MarkCompleted(ctx, b.ID, counts); err != nil {
		return err
	}
	h.Metrics.BatchesCompleted.WithLabelValues(b.Provider).Inc()
	h.Log.Info("batch completed", "batch", b.ID, "provider", b.Provider, "rows", counts.Rows,
		"verified", counts.Verified, "not_verified", counts.NotVerified, "failed", counts.Failed)
	return nil
}

// assemble streams every part, in chunk order, into output.csv and its
// FAILED rows into errors.csv, uploading both as they are written.
func (h *Handlers) assemble(ctx context.Context, b bulkverify.Batch) (bulkverify.ChunkCounts, error) {
	outR, outW := io.Pipe()
	errR, errW := io.Pipe()
	g, gctx := errgroup.WithContext(ctx)
	upload := func(key string, r *io.PipeReader) func() error {
		return func() error {
			err := h.Files.Upload(gctx, key, r)
			r.CloseWithError(errors.Join(err, io.ErrClosedPipe))
			return err
		}
	}
	g.Go(upload(storage.OutputKey(b.ID), outR))
	g.Go(upload(storage.ErrorsKey(b.ID), errR))
	var counts bulkverify.ChunkCounts
	g.Go(func() error {
		var err error
		counts, err = h.writeOutputs(gctx, b, outW, errW)
		outW.CloseWithError(err)
		errW.CloseWithError(err)
		return err
	})
	return counts, g.Wait()
}

func (h *Handlers) writeOutputs(ctx context.Context, b bulkverify.Batch, out, errs io.Writer) (bulkverify.ChunkCounts, error) {
	var counts bulkverify.ChunkCounts
	ow, ew := gocsv.DefaultCSVWriter(out), gocsv.DefaultCSVWriter(errs)
	if err := gocsv.MarshalCSV([]bulkverify.Result{}, ow); err != nil {
		return counts, fmt.Errorf("write output header: %w", err)
	}
	if err := gocsv.MarshalCSV([]errorRow{}, ew); err != nil {
		return counts, fmt.Errorf("write errors header: %w", err)
	}
	next := 1
	for i := 0; i < b.Chunks; i++ {
		results, err := h.readPart(ctx, b.ID, i)
		if err != nil {
			return counts, err
		}
		var failed []errorRow
		for _, r := range results {
			if r.RowNumber != next {
				return counts, fmt.Errorf("part %d: row %d where row %d was expected", i, r.RowNumber, next)
			}
			next++
			counts.Add(r)
			if r.Status == bulkverify.StatusFailed {
				failed = append(failed, toErrorRow(r))
			}
		}
		if err := gocsv.MarshalCSVWithoutHeaders(results, ow); err != nil {
			return counts, fmt.Errorf("write output: %w", err)
		}
		if err := gocsv.MarshalCSVWithoutHeaders(failed, ew); err != nil {
			return counts, fmt.Errorf("write errors: %w", err)
		}
	}
	return counts, nil
}

func (h *Handlers) readPart(ctx context.Context, id string, chunk int) ([]bulkverify.Result, error) {
	body, err := h.Files.Open(ctx, storage.PartKey(id, chunk))
	if err != nil {
		return nil, err
	}
	defer body.Close()
	results, err := decodePart(body)
	if err != nil {
		return nil, fmt.Errorf("part %d: %w", chunk, err)
	}
	return results, nil
}
