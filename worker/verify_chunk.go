// Package worker holds the asynq handlers that verify chunks of rows and
// assemble a batch's output, with the retry policy they share.
package worker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"
	"golang.org/x/sync/errgroup"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/jobs"
	"github.com/bulkverify/bulkverify/storage"
)

// BatchStore is the batch state the handlers update.
type BatchStore interface {
	Get(ctx context.Context, id string) (bulkverify.Batch, error)
	MarkStarted(ctx context.Context, id string) error
	CompleteChunk(ctx context.Context, id string, chunk int, c bulkverify.ChunkCounts) (storage.ChunkDone, error)
	MarkCompleted(ctx context.Context, id string, c bulkverify.ChunkCounts) error
}

// FileStore is the object store the handlers read and write.
type FileStore interface {
	OpenRange(ctx context.Context, key string, offset, length int64) (io.ReadCloser, error)
	Open(ctx context.Context, key string) (io.ReadCloser, error)
	Put(ctx context.Context, key string, b []byte) error
	Upload(ctx context.Context, key string, r io.Reader) error
}

// Enqueuer queues a task.
type Enqueuer interface {
	EnqueueContext(ctx context.Context, task *asynq.Task, opts ...asynq.Option) (*asynq.TaskInfo, error)
}

// Handlers processes verify:chunk and batch:finalize tasks.
type Handlers struct {
	Batches   BatchStore
	Files     FileStore
	Queue     Enqueuer
	Verifiers map[string]bulkverify.Verifier
	// RowConcurrency bounds the rows of one chunk verified at once.
	RowConcurrency int
	Backoff        Backoff
	Now            func() time.Time
	Log            *slog.Logger
	Metrics        *Metrics
}

// Register adds the handlers to mux.
func (h *Handlers) Register(mux *asynq.ServeMux) {
	mux.HandleFunc(jobs.TypeVerifyChunk, h.VerifyChunk)
	mux.HandleFunc(jobs.TypeFinalize, h.Finalize)
}

// VerifyChunk verifies the rows of one chunk, writes them as the chunk's
// part and records the chunk as done. A chunk delivered again overwrites its
// part and is counted once.
func (h *Handlers) VerifyChunk(ctx context.Context, t *asynq.Task) error {
	p, err := jobs.DecodeVerifyChunk(t.Payload())
	if err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	spec, ok := bulkverify.Specs[p.Provider]
	if !ok {
		return fmt.Errorf("chunk %d of batch %s: unknown provider %q: %w", p.Index, p.BatchID, p.Provider, asynq.SkipRetry)
	}
	v, ok := h.Verifiers[p.Provider]
	if !ok {
		return fmt.Errorf("chunk %d of batch %s: this worker has no %s client configured", p.Index, p.BatchID, p.Provider)
	}
	if err := h.Batches.MarkStarted(ctx, p.BatchID); err != nil {
		return err
	}
	rows, reasons, err := h.readChunk(ctx, p, spec)
	if err != nil {
		return err
	}
	results, err := h.verifyRows(ctx, p.Provider, v, rows, reasons)
	if err != nil {
		return fmt.Errorf("chunk %d of batch %s: %w", p.Index, p.BatchID, err)
	}
	part, err := encodePart(results)
	if err != nil {
		return err
	}
	if err := h.Files.Put(ctx, storage.PartKey(p.BatchID, p.Index), part); err != nil {
		return err
	}
	var counts bulkverify.ChunkCounts
	for _, r := range results {
		counts.Add(r)
	}
	done, err := h.Batches.CompleteChunk(ctx, p.BatchID, p.Index, counts)
	if err != nil {
		return err
	}
	if !done.First {
		h.Log.Info("chunk delivered again; counted once", "batch", p.BatchID, "chunk", p.Index)
	}
	if done.AllDone {
		return h.enqueueFinalize(ctx, p.BatchID)
	}
	return nil
}

func (h *Handlers) readChunk(ctx context.Context, p jobs.VerifyChunk, spec bulkverify.Spec) ([]bulkverify.Row, []string, error) {
	body, err := h.Files.OpenRange(ctx, storage.InputKey(p.BatchID), p.Offset, p.Length)
	if err != nil {
		return nil, nil, err
	}
	defer body.Close()
	rows, reasons, err := jobs.ReadRows(body, p.Header, p.FirstRow, spec)
	if err != nil {
		return nil, nil, fmt.Errorf("batch %s: %w", p.BatchID, err)
	}
	if len(rows) != p.Rows {
		return nil, nil, fmt.Errorf("chunk %d of batch %s: read %d rows, want %d: %w", p.Index, p.BatchID, len(rows), p.Rows, asynq.SkipRetry)
	}
	return rows, reasons, nil
}

// verifyRows verifies rows concurrently, at most RowConcurrency at a time.
// Rows that failed validation are not sent upstream.
func (h *Handlers) verifyRows(ctx context.Context, provider string, v bulkverify.Verifier, rows []bulkverify.Row, reasons []string) ([]bulkverify.Result, error) {
	results := make([]bulkverify.Result, len(rows))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(h.RowConcurrency, 1))
	for i, row := range rows {
		if reasons[i] != "" {
			results[i] = bulkverify.Failed(row, bulkverify.CodeInvalidRow, reasons[i]+": fix the row and submit it again", false)
			h.Metrics.observeRow(provider, results[i])
			continue
		}
		g.Go(func() error {
			res, err := verifyRow(gctx, v, row, h.Backoff, h.Now)
			if err != nil {
				return err
			}
			results[i] = res
			h.Metrics.observeRow(provider, res)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return results, nil
}

func (h *Handlers) enqueueFinalize(ctx context.Context, batchID string) error {
	_, err := h.Queue.EnqueueContext(ctx, jobs.NewFinalizeTask(batchID))
	if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		return fmt.Errorf("enqueue finalizer of batch %s: %w", batchID, err)
	}
	return nil
}
