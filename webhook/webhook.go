// Package webhook sends a batch's events to its callback_url as Standard
// Webhooks 1.0: signed messages, queued on the workers, retried with
// backoff, every attempt recorded.
package webhook

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/bulkverify/bulkverify"
)

// Event is the type of a webhook message.
type Event string

// The events a batch sends.
const (
	EventCompleted Event = "batch.completed"
	EventCancelled Event = "batch.cancelled"
	EventFailed    Event = "batch.failed"
	EventExpired   Event = "batch.expired"
	// EventProgress is sent at most every BV_WEBHOOK_PROGRESS_INTERVAL
	// while the batch runs.
	EventProgress Event = "batch.progress"
)

// Events lists every event, for metrics and documentation.
var Events = []Event{EventCompleted, EventCancelled, EventFailed, EventExpired, EventProgress}

// EventOf returns the event announcing that a batch reached state, and
// false for a state no event announces.
func EventOf(state bulkverify.State) (Event, bool) {
	switch state {
	case bulkverify.StateCompleted:
		return EventCompleted, true
	case bulkverify.StateCancelled:
		return EventCancelled, true
	case bulkverify.StateFailed:
		return EventFailed, true
	case bulkverify.StateExpired:
		return EventExpired, true
	}
	return "", false
}

// TimeFormat is RFC 3339 with milliseconds, the format of a message's
// timestamp.
const TimeFormat = "2006-01-02T15:04:05.000Z07:00"

// Body is a message's JSON body: the event, when it happened and the
// batch's status data.
type Body struct {
	Type      Event  `json:"type"`
	Timestamp string `json:"timestamp"`
	Data      any    `json:"data"`
}

// NewBody returns the body of event that happened at at, with data.
func NewBody(event Event, at time.Time, data any) Body {
	return Body{Type: event, Timestamp: at.UTC().Format(TimeFormat), Data: data}
}

// Marshal encodes b without escaping &, < and > (presigned URLs stay
// readable).
func (b Body) Marshal() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(b); err != nil {
		return nil, fmt.Errorf("encode %s message: %w", b.Type, err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
