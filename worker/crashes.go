package worker

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/jobs"
)

// A chunk that kills the worker it runs on (out of memory, a panic) would
// be delivered again and again: asynq retries a task whose handler
// panicked, the sweeper queues again a chunk whose worker died, and asynq
// gives back one whose lease lapsed. Leases counts such deliveries; once a
// chunk has crashed MaxChunkCrashes of them, its next delivery settles it
// without verifying (settleCrashed), and its batch goes on.

// panicError is a panic recovered while a chunk was being verified: its
// delivery counts as a crash of the chunk.
type panicError struct {
	value any
	stack []byte
}

func (e *panicError) Error() string { return fmt.Sprintf("panic: %v", e.value) }

// recoverRow turns a panic of the goroutine that verifies a row into a
// *panicError in *err. Unrecovered, it would kill the whole worker, with
// every chunk it runs.
func recoverRow(err *error) {
	if v := recover(); v != nil {
		*err = &panicError{value: v, stack: debug.Stack()}
	}
}

// endDelivery releases the lease of a delivery of chunk p that ended with
// err, or with the panic recovered. A panic, there or in a row, counts as
// a crash of the chunk and is returned as an error, so that asynq retries
// the chunk with its backoff.
func (h *Handlers) endDelivery(p jobs.VerifyChunk, release func(crashed bool), recovered any, err error) error {
	if recovered != nil {
		err = fmt.Errorf("chunk %d of batch %s: %w", p.Index, p.BatchID, &panicError{value: recovered, stack: debug.Stack()})
	}
	var pe *panicError
	crashed := errors.As(err, &pe)
	release(crashed)
	if crashed {
		chunkLog(h.Log, p).Error("chunk panicked: counted as a crash, retried", "panic", fmt.Sprint(pe.value), "stack", string(pe.stack))
	}
	return err
}

// maxCrashes is MaxChunkCrashes, at least 1.
func (h *Handlers) maxCrashes() int { return max(h.MaxChunkCrashes, 1) }

// settleCrashed completes a chunk whose deliveries crashed their worker
// crashes times: rows already finished keep their results, the others end
// FAILED/PROCESSING_FAILED, retryable. When settling crashed too (more
// crashes than allowed), the chunk's rows are not even read: they are
// known by number only, and their reference_id is left blank.
func (h *Handlers) settleCrashed(ctx context.Context, p jobs.VerifyChunk, crashes int) error {
	msg := fmt.Sprintf("this row's chunk crashed a worker %d times (out of memory or a panic), so it was not verified; "+
		"retry the batch's failed rows to verify it, and if it happens again, split the file or report the request_id", crashes)
	fill := func(row bulkverify.Row) bulkverify.Result {
		r := bulkverify.Failed(row, bulkverify.CodeProcessingFailed, msg, true)
		r.VerifiedAt = h.Now().UTC().Format(time.RFC3339)
		return r
	}
	var results []bulkverify.Result
	var err error
	if crashes > h.maxCrashes() {
		results, err = h.settle(ctx, p, numberedRows(p), fill)
	} else {
		results, err = h.settleRows(ctx, p, fill)
	}
	if err != nil {
		return err
	}
	h.Metrics.CrashedChunks.WithLabelValues(p.Provider).Inc()
	chunkLog(h.Log, p).Error("chunk crashed its workers too often: not verified, its unfinished rows are FAILED/PROCESSING_FAILED",
		"crashes", crashes, "max", h.maxCrashes(), "rows", p.Rows)
	return h.finishChunk(ctx, p, results)
}

// numberedRows are the rows of chunk p known by their numbers alone.
func numberedRows(p jobs.VerifyChunk) []bulkverify.Row {
	rows := make([]bulkverify.Row, p.Rows)
	for i := range rows {
		rows[i] = bulkverify.Row{Number: p.Chunk.Number(i)}
	}
	return rows
}
