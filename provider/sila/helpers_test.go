package sila

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/simulation"
)

const (
	testToken = "sila-test-token-0123456789abcdef"
	testApp   = "bulkverify.silamoney.eth"
)

// testNow is the clock of every test client.
var testNow = time.Date(2024, 3, 1, 10, 30, 0, 0, time.FixedZone("EST", -5*3600))

// newTestClient serves h and returns a Client for it, with the test token
// and app handle.
func newTestClient(t *testing.T, h http.Handler) *Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return New(Config{BaseURL: srv.URL + "/", AccessToken: testToken, AppHandle: testApp, HTTPClient: srv.Client(), Now: func() time.Time { return testNow }})
}

// newSim returns a simulator that accepts the test token and app handle.
func newSim(faults simulation.Faults) *Simulator {
	return NewSimulator(SimConfig{AccessToken: testToken, AppHandle: testApp, Faults: faults})
}

// newSimClient returns a simulator with faults and a Client for it.
func newSimClient(t *testing.T, faults simulation.Faults) (*Simulator, *Client) {
	t.Helper()
	sim := newSim(faults)
	return sim, newTestClient(t, sim)
}

// newRow returns row 7 with reference_id "ref-7" and the given column, value
// pairs.
func newRow(pairs ...string) bulkverify.Row {
	f := map[string]string{"reference_id": "ref-7"}
	for i := 0; i+1 < len(pairs); i += 2 {
		f[pairs[i]] = pairs[i+1]
	}
	return bulkverify.Row{Number: 7, Fields: f}
}

// verify runs c on row with a deadline.
func verify(t *testing.T, c *Client, row bulkverify.Row) (bulkverify.Result, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return c.Verify(ctx, row)
}

// upstreamError returns err as a *bulkverify.UpstreamError or fails.
func upstreamError(t *testing.T, err error) *bulkverify.UpstreamError {
	t.Helper()
	var ue *bulkverify.UpstreamError
	if !errors.As(err, &ue) {
		t.Fatalf("got error %v (%T), want a *bulkverify.UpstreamError", err, err)
	}
	return ue
}

// exchange is one request to an upstream and its answer, as a tap saw
// them.
type exchange struct {
	method string
	path   string
	query  string
	header http.Header
	body   []byte
	status int
	answer []byte
}

// tap serves h and records every exchange.
type tap struct {
	h  http.Handler
	mu sync.Mutex
	ex []exchange
}

func (tp *tap) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body bytes.Buffer
	body.ReadFrom(r.Body)
	r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(body.Bytes()))
	rec := httptest.NewRecorder()
	tp.h.ServeHTTP(rec, r)
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	w.Write(rec.Body.Bytes())
	tp.mu.Lock()
	defer tp.mu.Unlock()
	tp.ex = append(tp.ex, exchange{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), body.Bytes(), rec.Code, rec.Body.Bytes()})
}

// exchanges returns what the tap saw so far.
func (tp *tap) exchanges() []exchange {
	tp.mu.Lock()
	defer tp.mu.Unlock()
	return append([]exchange(nil), tp.ex...)
}
