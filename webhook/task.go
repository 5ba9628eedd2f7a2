package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hibiken/asynq"

	"github.com/bulkverify/bulkverify/jobs"
)

// Message is the payload of a webhook:deliver task: one message of one
// batch. It is fixed when the event happens, so every attempt sends the
// same webhook-id and event time; the status data are rendered afresh at
// each attempt (fresh presigned URLs).
type Message struct {
	BatchID   string    `json:"batch_id"`
	Event     Event     `json:"event"`
	WebhookID string    `json:"webhook_id"`
	At        time.Time `json:"at"`
}

// Enqueuer queues a task.
type Enqueuer interface {
	EnqueueContext(ctx context.Context, task *asynq.Task, opts ...asynq.Option) (*asynq.TaskInfo, error)
}

// Task settings. Attempts are capped by the handler (MaxAttempts), so
// that the cap is the workers' configuration; asynq's is a ceiling above
// any allowed value. A delivered task is kept for taskRetention so that
// its fixed ID stays taken: enqueuing the same message again meanwhile is
// a no-op.
const (
	maxRetryCeiling = 100
	taskTimeout     = time.Minute
	taskRetention   = 72 * time.Hour
)

// NewMessage returns the message announcing event of a batch at at. Its
// webhook-id is fixed by the batch and the event (and, for progress, the
// event's number), so that the same event is one message however often
// it is queued.
func NewMessage(batchID string, event Event, seq int, at time.Time) Message {
	id := "msg_" + batchID + "_" + strings.TrimPrefix(string(event), "batch.")
	if event == EventProgress {
		id += "_" + strconv.Itoa(seq)
	}
	return Message{BatchID: batchID, Event: event, WebhookID: id, At: at.UTC()}
}

// TaskID is the fixed asynq task ID of message m.
func (m Message) TaskID() string { return "webhook:" + m.WebhookID }

// Task returns the task that delivers m.
func (m Message) Task() *asynq.Task {
	b, _ := json.Marshal(m) // strings and a time: cannot fail
	return asynq.NewTask(jobs.TypeWebhook, b, asynq.Queue(jobs.QueueWebhooks), asynq.TaskID(m.TaskID()),
		asynq.MaxRetry(maxRetryCeiling), asynq.Timeout(taskTimeout), asynq.Retention(taskRetention))
}

// DecodeMessage decodes a webhook:deliver payload.
func DecodeMessage(b []byte) (Message, error) {
	var m Message
	if err := json.Unmarshal(b, &m); err != nil || m.BatchID == "" || m.Event == "" || m.WebhookID == "" {
		return m, fmt.Errorf("decode %s payload %q: incomplete or not JSON (%v)", jobs.TypeWebhook, b, err)
	}
	return m, nil
}

// Enqueue queues the delivery of m; that it is queued already is not an
// error.
func Enqueue(ctx context.Context, q Enqueuer, m Message) error {
	_, err := q.EnqueueContext(ctx, m.Task())
	if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		return fmt.Errorf("enqueue %s webhook of batch %s: %w", m.Event, m.BatchID, err)
	}
	return nil
}

// EnqueueEvent queues event of batch batchID, happening now. (The
// reaper's batch.expired now comes from the batch's outbox, see Outbox.)
// The worker that delivers
// it sends nothing for a batch without a callback_url or whose receiver
// answered 410 Gone, so callers need not check. Queuing the same event
// twice sends it once.
func EnqueueEvent(ctx context.Context, q Enqueuer, batchID string, event Event) error {
	return Enqueue(ctx, q, NewMessage(batchID, event, 0, time.Now()))
}
