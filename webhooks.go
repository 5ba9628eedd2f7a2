package bulkverify

import (
	"context"
	"time"
)

// WebhookAttempt is one delivery attempt of a webhook message, as the
// delivery log shows it.
type WebhookAttempt struct {
	Event     string    `json:"event"`
	WebhookID string    `json:"webhook_id"`
	Attempt   int       `json:"attempt"`
	At        time.Time `json:"at"`
	// HTTPStatus is the receiver's answer; nil when there was none.
	HTTPStatus *int  `json:"http_status"`
	DurationMS int64 `json:"duration_ms"`
	// Error says why the attempt did not deliver; nil when it did.
	Error *string `json:"error"`
}

// WebhookLog is the delivery log of the batches' webhooks.
type WebhookLog interface {
	// WebhookAttempts returns the attempts of batch id, newest first.
	WebhookAttempts(ctx context.Context, id string) ([]WebhookAttempt, error)
}
