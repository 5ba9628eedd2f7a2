package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/bulkverify/bulkverify/batchcsv"
	"github.com/hibiken/asynq"
)

// Task type names.
const (
	TypeVerifyChunk = "verify:chunk"
	TypeFinalize    = "batch:finalize"
	// TypeWebhook delivers one webhook message (see package webhook).
	TypeWebhook = "webhook:deliver"
)

// Queue names. Finalizing a batch outranks verifying more rows so that a
// finished batch is handed out promptly.
const (
	QueueChunks   = "chunks"
	QueueFinalize = "finalize"
	QueueWebhooks = "webhooks"
)

// Queues is the asynq queue priority map the workers serve.
var Queues = map[string]int{QueueFinalize: 6, QueueWebhooks: 4, QueueChunks: 3}

// VerifyChunk is the payload of a verify:chunk task. It carries no row data
// (and so no secrets): the worker reads the chunk's byte range of the stored
// input, under the header stored once with the batch.
type VerifyChunk struct {
	BatchID  string `json:"batch_id"`
	Tenant   string `json:"tenant,omitempty"`
	Provider string `json:"provider"`
	// Header is set only in payloads queued before the header was stored
	// with the batch; such a chunk is read under it. New payloads leave it
	// out: a wide header once per chunk filled Redis.
	Header []string `json:"header,omitempty"`
	batchcsv.Chunk
}

// Finalize is the payload of a batch:finalize task.
type Finalize struct {
	BatchID string `json:"batch_id"`
}

// EncodeVerifyChunk encodes a verify:chunk payload.
func EncodeVerifyChunk(p VerifyChunk) []byte {
	b, _ := json.Marshal(p) // strings and ints only: cannot fail
	return b
}

// NewFinalizeTask returns the finalizer task of a batch. Its ID is fixed by
// the batch so that however many workers enqueue it, it is queued once.
func NewFinalizeTask(batchID string) *asynq.Task {
	b, _ := json.Marshal(Finalize{BatchID: batchID})
	return asynq.NewTask(TypeFinalize, b, asynq.Queue(QueueFinalize), asynq.TaskID(FinalizeTaskID(batchID)), asynq.MaxRetry(ChunkMaxRetry))
}

// FinalizeTaskID is the fixed asynq task ID of a batch's finalizer.
func FinalizeTaskID(batchID string) string { return "finalize:" + batchID }

// DecodeVerifyChunk decodes a verify:chunk payload.
func DecodeVerifyChunk(b []byte) (VerifyChunk, error) {
	var p VerifyChunk
	if err := json.Unmarshal(b, &p); err != nil {
		return p, fmt.Errorf("decode %s payload: %w", TypeVerifyChunk, err)
	}
	if p.BatchID == "" || p.Length <= 0 || p.FirstRow < 1 {
		return p, fmt.Errorf("decode %s payload: incomplete payload %s", TypeVerifyChunk, b)
	}
	return p, nil
}

// DecodeFinalize decodes a batch:finalize payload.
func DecodeFinalize(b []byte) (Finalize, error) {
	var p Finalize
	if err := json.Unmarshal(b, &p); err != nil || p.BatchID == "" {
		return p, fmt.Errorf("decode %s payload %q: %v", TypeFinalize, b, err)
	}
	return p, nil
}

// EnqueueFinalize queues the finalizer of a batch; that it is queued
// already is not an error.
func EnqueueFinalize(ctx context.Context, q Enqueuer, batchID string) error {
	_, err := q.EnqueueContext(ctx, NewFinalizeTask(batchID))
	if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		return fmt.Errorf("enqueue finalizer of batch %s: %w", batchID, err)
	}
	return nil
}
