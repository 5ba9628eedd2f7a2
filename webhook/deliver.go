package webhook

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/hibiken/asynq"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/batchstatus"
)

// BatchReader reads a batch's state.
type BatchReader interface {
	Get(ctx context.Context, id string) (bulkverify.Batch, error)
}

// DeliveryLog records a batch's delivery attempts and what they learnt.
type DeliveryLog interface {
	RecordWebhookAttempt(ctx context.Context, id string, a bulkverify.WebhookAttempt) error
	WebhookState(ctx context.Context, id, webhookID string) (gone, delivered bool, err error)
	MarkWebhookDelivered(ctx context.Context, id, webhookID string) error
	MarkWebhookGone(ctx context.Context, id string) error
}

// StatusRenderer renders a batch's status data; withURLs presigns the
// output links of a finished batch.
type StatusRenderer interface {
	Render(ctx context.Context, b bulkverify.Batch, withURLs bool) (batchstatus.Data, error)
}

var _ StatusRenderer = batchstatus.Renderer{}

// Deliverer handles webhook:deliver tasks: one attempt per delivery of
// the task. A 2xx delivers; a 410 Gone stops every message of the batch;
// anything else (or no answer within Timeout) fails the task, which asynq
// retries after RetryDelay, until MaxAttempts.
type Deliverer struct {
	Batches BatchReader
	Log     DeliveryLog
	Status  StatusRenderer
	// Keys maps client_id to its signing key (BV_WEBHOOK_SECRETS).
	Keys        map[string][]byte
	Sender      *Sender
	MaxAttempts int
	Now         func() time.Time
	Logger      *slog.Logger
	Metrics     *Metrics
}

// Outcomes of an attempt, the outcome label of the deliveries metric.
const (
	OutcomeDelivered = "delivered" // 2xx
	OutcomeFailed    = "failed"    // not 2xx or no answer; retried
	OutcomeExhausted = "exhausted" // failed on the last allowed attempt
	OutcomeGone      = "gone"      // 410: nothing more for the batch
	OutcomeRefused   = "refused"   // the URL policy refused it at delivery; retried
)

// Deliver makes one delivery attempt of the message in t and records it.
func (d *Deliverer) Deliver(ctx context.Context, t *asynq.Task) error {
	m, err := DecodeMessage(t.Payload())
	if err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	b, send, err := d.due(ctx, m)
	if err != nil || !send {
		return err
	}
	body, err := d.body(ctx, b, m)
	if err != nil {
		return fmt.Errorf("%s webhook of batch %s: %w", m.Event, m.BatchID, err)
	}
	a := bulkverify.WebhookAttempt{Event: string(m.Event), WebhookID: m.WebhookID, Attempt: attemptOf(ctx), At: d.Now().UTC()}
	status, sendErr := d.send(ctx, b, m.WebhookID, body)
	a.DurationMS = d.Now().Sub(a.At).Milliseconds()
	outcome, result := d.judge(m, a.Attempt, status, sendErr)
	if status != 0 {
		a.HTTPStatus = &status
	}
	if result != nil {
		msg := result.Error()
		a.Error = &msg
	}
	d.Metrics.observe(m.Event, outcome, a.DurationMS)
	if err := d.Log.RecordWebhookAttempt(ctx, m.BatchID, a); err != nil {
		d.Logger.Warn("record webhook attempt", "request_id", m.BatchID, "err", err)
	}
	return d.conclude(ctx, m, outcome, result)
}

// due returns the batch of m and whether m is to be sent: not for a batch
// gone or without callback_url, not once delivered or once the receiver
// answered 410, not a progress event of a batch that has ended (its final
// event says more).
func (d *Deliverer) due(ctx context.Context, m Message) (bulkverify.Batch, bool, error) {
	b, err := d.Batches.Get(ctx, m.BatchID)
	if bulkverify.ErrorCode(err) == bulkverify.ENotFound {
		d.Logger.Info("webhook not sent: its batch is gone", "request_id", m.BatchID, "event", m.Event)
		return b, false, nil
	}
	if err != nil || b.CallbackURL == "" {
		return b, false, err
	}
	gone, delivered, err := d.Log.WebhookState(ctx, m.BatchID, m.WebhookID)
	if err != nil || gone || delivered {
		return b, false, err
	}
	if m.Event == EventProgress && b.State.Ended() {
		return b, false, nil
	}
	return b, true, nil
}

// body renders the message with the batch's status data as of now.
func (d *Deliverer) body(ctx context.Context, b bulkverify.Batch, m Message) ([]byte, error) {
	data, err := d.Status.Render(ctx, b, true)
	if err != nil {
		return nil, err
	}
	return NewBody(m.Event, m.At, data).Marshal()
}

// send signs and posts body; no key for the tenant is an error like no
// answer, retried in case the operator adds it.
func (d *Deliverer) send(ctx context.Context, b bulkverify.Batch, id string, body []byte) (int, error) {
	key, ok := d.Keys[b.Tenant]
	if !ok {
		return 0, bulkverify.Errorf(bulkverify.EInvalidCallbackURL, "client %s has no webhook secret: set it in BV_WEBHOOK_SECRETS on the workers", b.Tenant)
	}
	return d.Sender.Send(ctx, b.CallbackURL, key, id, d.Now(), body)
}

// judge returns the outcome of an attempt and, unless it delivered, the
// error that says why not.
func (d *Deliverer) judge(m Message, attempt, status int, err error) (string, error) {
	switch {
	case err == nil && status >= 200 && status < 300:
		return OutcomeDelivered, nil
	case err == nil && status == http.StatusGone:
		return OutcomeGone, errors.New("the receiver answered 410 Gone: no more webhooks are sent for this batch")
	}
	outcome := OutcomeFailed
	if bulkverify.ErrorCode(err) == bulkverify.EInvalidCallbackURL {
		outcome = OutcomeRefused
	}
	if err == nil {
		err = fmt.Errorf("the receiver answered %d %s, not 2xx", status, http.StatusText(status))
	} else {
		err = attemptError(err)
	}
	if attempt >= d.MaxAttempts {
		return OutcomeExhausted, fmt.Errorf("%w; gave up after %d attempts (BV_WEBHOOK_MAX_ATTEMPTS)", err, attempt)
	}
	return outcome, err
}

// conclude records what the attempt learnt and tells asynq whether to
// retry.
func (d *Deliverer) conclude(ctx context.Context, m Message, outcome string, result error) error {
	switch outcome {
	case OutcomeDelivered:
		if err := d.Log.MarkWebhookDelivered(ctx, m.BatchID, m.WebhookID); err != nil {
			d.Logger.Warn("record webhook delivered; the task's retention still keeps it from being sent twice", "request_id", m.BatchID, "err", err)
		}
		return nil
	case OutcomeGone:
		if err := d.Log.MarkWebhookGone(ctx, m.BatchID); err != nil {
			return err // retried: the 410 will be seen again
		}
		return fmt.Errorf("%s webhook %s of batch %s: %w: %w", m.Event, m.WebhookID, m.BatchID, result, asynq.SkipRetry)
	case OutcomeExhausted:
		d.Logger.Warn("webhook given up", "request_id", m.BatchID, "event", m.Event, "webhook_id", m.WebhookID, "err", result)
		return fmt.Errorf("%s webhook %s of batch %s: %w: %w", m.Event, m.WebhookID, m.BatchID, result, asynq.SkipRetry)
	}
	return fmt.Errorf("%s webhook %s of batch %s: %w", m.Event, m.WebhookID, m.BatchID, result)
}

// attemptOf returns the number of this attempt, from 1.
func attemptOf(ctx context.Context) int {
	n, _ := asynq.GetRetryCount(ctx)
	return n + 1
}

// attemptError says in a line why an attempt got no answer, without the
// Go wrapping ("Post \"...\": dial tcp ...").
func attemptError(err error) error {
	var be *bulkverify.Error
	if errors.As(err, &be) {
		return be
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("no answer within %v", Timeout)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// KeysOf parses BV_WEBHOOK_SECRETS (client_id to whsec_ secret) into
// signing keys.
func KeysOf(secrets map[string]string) (map[string][]byte, error) {
	keys := make(map[string][]byte, len(secrets))
	for id, s := range secrets {
		k, err := ParseSecret(s)
		if err != nil {
			return nil, fmt.Errorf("BV_WEBHOOK_SECRETS, client %s: %w", id, err)
		}
		keys[id] = k
	}
	return keys, nil
}
