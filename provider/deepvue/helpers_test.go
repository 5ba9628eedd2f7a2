package deepvue

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify"
)

const (
	testClientID = "dv-client-4f2a"
	testSecret   = "dv-api-key-9b1c7e5d3a"
)

// testNow is the clock of every test client.
var testNow = time.Date(2024, 11, 20, 13, 5, 0, 0, time.FixedZone("IST", 5*3600+1800))

// call is one request a Client made and the answer it got.
type call struct {
	header     http.Header
	body       []byte
	status     int
	answer     []byte
	retryAfter string
}

// recorder is a RoundTripper that sends requests on and records each with
// its answer.
type recorder struct {
	next  http.RoundTripper
	mu    sync.Mutex
	calls []call
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	c := call{header: req.Header.Clone()}
	if req.Body != nil {
		c.body, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(c.body))
	}
	resp, err := r.next.RoundTrip(req)
	if err == nil {
		c.status, c.retryAfter = resp.StatusCode, resp.Header.Get("Retry-After")
		c.answer, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(c.answer))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, c)
	return resp, err
}

// made returns the calls so far.
func (r *recorder) made() []call {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]call(nil), r.calls...)
}

// env is a server, a Client of it whose calls are recorded and, when the
// server is a simulator, the simulator.
type env struct {
	sim *Simulator
	c   *Client
	rec *recorder
}

// newEnv serves a simulator that accepts the test credentials, with
// faults, and returns it with a Client for it; opts change the Client's
// Config first.
func newEnv(t *testing.T, cfg SimConfig, opts ...func(*Config)) *env {
	t.Helper()
	if cfg.ClientID == "" && cfg.ClientSecret == "" {
		cfg.ClientID, cfg.ClientSecret = testClientID, testSecret
	}
	sim := NewSimulator(cfg)
	e := newStubEnv(t, sim, opts...)
	e.sim = sim
	return e
}

// newStubEnv serves h and returns a Client for it with the test
// credentials and testNow; opts change its Config first.
func newStubEnv(t *testing.T, h http.Handler, opts ...func(*Config)) *env {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	rec := &recorder{next: srv.Client().Transport}
	cfg := Config{
		BaseURL: srv.URL + "/", ClientID: testClientID, ClientSecret: testSecret,
		HTTPClient: &http.Client{Transport: rec, Timeout: 10 * time.Second},
		Now:        func() time.Time { return testNow },
	}
	for _, o := range opts {
		o(&cfg)
	}
	return &env{c: New(cfg), rec: rec}
}

// dvRow returns row 7, reference "ref-7", asking transaction txn for
// doctype with consent, and any further column, value pairs.
func dvRow(txn, doctype, consent string, pairs ...string) bulkverify.Row {
	f := map[string]string{"reference_id": "ref-7", ColTransactionID: txn, ColDocType: doctype, ColConsent: consent}
	for i := 0; i+1 < len(pairs); i += 2 {
		f[pairs[i]] = pairs[i+1]
	}
	return bulkverify.Row{Number: 7, Fields: f}
}

// run verifies row with e's client under a deadline.
func (e *env) run(t *testing.T, row bulkverify.Row) (bulkverify.Result, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return e.c.Verify(ctx, row)
}

// wantTransient returns err as a *bulkverify.UpstreamError of this
// provider, or fails.
func wantTransient(t *testing.T, err error) *bulkverify.UpstreamError {
	t.Helper()
	var ue *bulkverify.UpstreamError
	if !errors.As(err, &ue) {
		t.Fatalf("got error %v (%T), want a *bulkverify.UpstreamError", err, err)
	}
	if ue.Provider != Name || ue.Op != OpList {
		t.Errorf("got provider %q op %q, want %q %q", ue.Provider, ue.Op, Name, OpList)
	}
	return ue
}

// wantFinal fails unless res is final with status and code, not retryable,
// for row 7 ref-7, with a message holding words.
func wantFinal(t *testing.T, res bulkverify.Result, err error, status bulkverify.Status, code bulkverify.Code, words string) {
	t.Helper()
	if err != nil {
		t.Fatalf("got error %v, want %s/%s", err, status, code)
	}
	if res.Status != status || res.Code != code || res.Retryable {
		t.Errorf("got %s/%s retryable %v, want %s/%s not retryable (%s)", res.Status, res.Code, res.Retryable, status, code, res.Message)
	}
	if res.RowNumber != 7 || res.ReferenceID != "ref-7" {
		t.Errorf("got row %d reference %q, want 7 ref-7", res.RowNumber, res.ReferenceID)
	}
	if !strings.Contains(res.Message, words) {
		t.Errorf("got message %q, want it to say %q", res.Message, words)
	}
}
