package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/batchstatus"
	"github.com/bulkverify/bulkverify/storage"
)

// fakeLog is a DeliveryLog in memory.
type fakeLog struct {
	mu        sync.Mutex
	attempts  []bulkverify.WebhookAttempt
	gone      bool
	delivered map[string]bool
}

func (f *fakeLog) RecordWebhookAttempt(_ context.Context, _ string, a bulkverify.WebhookAttempt) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.attempts = append(f.attempts, a)
	return nil
}

func (f *fakeLog) WebhookState(_ context.Context, _, webhookID string) (bool, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.gone, f.delivered[webhookID], nil
}

func (f *fakeLog) MarkWebhookDelivered(_ context.Context, _, webhookID string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.delivered == nil {
		f.delivered = map[string]bool{}
	}
	f.delivered[webhookID] = true
	return nil
}

func (f *fakeLog) MarkWebhookGone(context.Context, string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gone = true
	return nil
}

// batchFunc is a BatchReader.
type batchFunc func(id string) (bulkverify.Batch, error)

func (f batchFunc) Get(_ context.Context, id string) (bulkverify.Batch, error) { return f(id) }

// statusFunc is a StatusRenderer.
type statusFunc func(b bulkverify.Batch) batchstatus.Data

func (f statusFunc) Render(_ context.Context, b bulkverify.Batch, _ bool) (batchstatus.Data, error) {
	return f(b), nil
}

// scriptedReceiver answers the statuses it is given in turn, then 200,
// and keeps what it was sent.
type scriptedReceiver struct {
	mu       sync.Mutex
	statuses []int
	got      []http.Header
}

func (s *scriptedReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.got = append(s.got, r.Header.Clone())
	status := http.StatusOK
	if len(s.statuses) > 0 {
		status, s.statuses = s.statuses[0], s.statuses[1:]
	}
	w.WriteHeader(status)
}

func (s *scriptedReceiver) requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.got)
}

type deliveryFixture struct {
	d     *Deliverer
	log   *fakeLog
	recv  *scriptedReceiver
	batch bulkverify.Batch
}

func newDeliveryFixture(t *testing.T, statuses ...int) *deliveryFixture {
	recv := &scriptedReceiver{statuses: statuses}
	srv := httptest.NewServer(recv)
	t.Cleanup(srv.Close)
	f := &deliveryFixture{log: &fakeLog{}, recv: recv, batch: bulkverify.Batch{
		ID: "b1", Tenant: "acme", State: bulkverify.StateCompleted, CallbackURL: srv.URL + "/hook",
	}}
	f.d = &Deliverer{
		Batches: batchFunc(func(id string) (bulkverify.Batch, error) {
			if id != f.batch.ID {
				return bulkverify.Batch{}, storage.ErrBatchNotFound
			}
			return f.batch, nil
		}),
		Log:         f.log,
		Status:      statusFunc(func(b bulkverify.Batch) batchstatus.Data { return batchstatus.Data{RequestID: b.ID, State: b.State} }),
		Keys:        map[string][]byte{"acme": mustKey(t, specSecret)},
		Sender:      NewSender(Policy{AllowHosts: []string{"127.0.0.1"}}),
		MaxAttempts: 3,
		Now:         time.Now,
		Logger:      slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	return f
}

func (f *deliveryFixture) deliver(event Event) error {
	m := NewMessage("b1", event, 1, time.Now())
	return f.d.Deliver(context.Background(), m.Task())
}

func TestDeliverer(t *testing.T) {
	t.Parallel()
	t.Run("a 2xx delivers once: the message is not sent again", func(t *testing.T) {
		f := newDeliveryFixture(t, http.StatusNoContent)
		if err := f.deliver(EventCompleted); err != nil {
			t.Fatalf("got %v, want nil", err)
		}
		if err := f.deliver(EventCompleted); err != nil || f.recv.requests() != 1 {
			t.Errorf("got %v and %d requests after a second delivery, want nil and 1", err, f.recv.requests())
		}
		a := f.log.attempts
		if len(a) != 1 || a[0].Attempt != 1 || *a[0].HTTPStatus != 204 || a[0].Error != nil || a[0].WebhookID != "msg_b1_completed" {
			t.Errorf("got attempts %+v, want one delivered attempt of msg_b1_completed", a)
		}
	})
	t.Run("a 500 is an error asynq retries", func(t *testing.T) {
		f := newDeliveryFixture(t, http.StatusInternalServerError)
		err := f.deliver(EventCompleted)
		if err == nil || errors.Is(err, asynq.SkipRetry) {
			t.Fatalf("got %v, want an error to retry", err)
		}
		if a := f.log.attempts; len(a) != 1 || *a[0].HTTPStatus != 500 || a[0].Error == nil {
			t.Errorf("got attempts %+v, want one with HTTP 500 and an error", a)
		}
	})
	t.Run("a 410 stops this message and every later one", func(t *testing.T) {
		f := newDeliveryFixture(t, http.StatusGone)
		f.batch.State = bulkverify.StateProcessing
		if err := f.deliver(EventProgress); !errors.Is(err, asynq.SkipRetry) {
			t.Fatalf("got %v, want SkipRetry", err)
		}
		f.batch.State = bulkverify.StateCompleted
		if err := f.deliver(EventCompleted); err != nil || f.recv.requests() != 1 {
			t.Errorf("got %v and %d requests, want the completed event dropped", err, f.recv.requests())
		}
	})
	t.Run("the last allowed attempt gives up", func(t *testing.T) {
		f := newDeliveryFixture(t, http.StatusBadGateway)
		f.d.MaxAttempts = 1
		if err := f.deliver(EventCompleted); !errors.Is(err, asynq.SkipRetry) {
			t.Fatalf("got %v, want SkipRetry", err)
		}
		if a := f.log.attempts; len(a) != 1 || a[0].Error == nil {
			t.Errorf("got attempts %+v, want one that says it gave up", a)
		}
	})
	t.Run("a progress event of a finished batch is not sent", func(t *testing.T) {
		f := newDeliveryFixture(t)
		if err := f.deliver(EventProgress); err != nil || f.recv.requests() != 0 {
			t.Errorf("got %v and %d requests, want nil and none", err, f.recv.requests())
		}
	})
	t.Run("a batch without callback_url, or gone, sends nothing", func(t *testing.T) {
		f := newDeliveryFixture(t)
		f.batch.CallbackURL = ""
		if err := f.deliver(EventCompleted); err != nil || f.recv.requests() != 0 {
			t.Errorf("got %v and %d requests, want nil and none", err, f.recv.requests())
		}
		f.batch.ID = "deleted"
		if err := f.deliver(EventCompleted); err != nil || f.recv.requests() != 0 {
			t.Errorf("got %v and %d requests for a deleted batch, want nil and none", err, f.recv.requests())
		}
	})
	t.Run("a tenant without a secret is recorded and retried, unsent", func(t *testing.T) {
		f := newDeliveryFixture(t)
		f.batch.Tenant = "other"
		err := f.deliver(EventCompleted)
		if err == nil || errors.Is(err, asynq.SkipRetry) || f.recv.requests() != 0 {
			t.Errorf("got %v and %d requests, want an error to retry and none", err, f.recv.requests())
		}
		if a := f.log.attempts; len(a) != 1 || a[0].HTTPStatus != nil || a[0].Error == nil {
			t.Errorf("got attempts %+v, want one without HTTP status that says why", a)
		}
	})
	t.Run("the body is the event, its time and the status data", func(t *testing.T) {
		var body []byte
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { body, _ = io.ReadAll(r.Body) }))
		defer srv.Close()
		f := newDeliveryFixture(t)
		f.batch.CallbackURL = srv.URL
		at := time.Date(2024, 11, 19, 7, 52, 31, 2e6, time.UTC)
		if err := f.d.Deliver(context.Background(), NewMessage("b1", EventCompleted, 0, at).Task()); err != nil {
			t.Fatal(err)
		}
		var got struct {
			Type      string
			Timestamp string
			Data      struct {
				RequestID string `json:"request_id"`
				State     string
			}
		}
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatalf("body %s: %v", body, err)
		}
		if got.Type != "batch.completed" || got.Timestamp != "2024-11-19T07:52:31.002Z" || got.Data.RequestID != "b1" || got.Data.State != "completed" {
			t.Errorf("got %+v from %s", got, body)
		}
	})
}

func TestBackoffSpreadsEightAttemptsOverAboutADay(t *testing.T) {
	t.Parallel()
	b := Backoff{Base: 30 * time.Second}
	var lo, hi time.Duration
	for n := 0; n < 7; n++ {
		want := 30 * time.Second * time.Duration(min(1<<(2*n), maxFactor))
		d := b.Delay(n)
		if d < want*3/4 || d > want*5/4 {
			t.Errorf("retry %d: got %v, want %v give or take a quarter", n+1, d, want)
		}
		lo, hi = lo+want*3/4, hi+want*5/4
	}
	if lo < 16*time.Hour || hi > 30*time.Hour {
		t.Errorf("got %v to %v in all, want about a day", lo, hi)
	}
}
