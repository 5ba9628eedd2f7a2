package flexfactor

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify"
)

const (
	testClientID = "test-client-id-51ab"
	testSecret   = "test-client-secret-7c41e9"
)

// testNow is where every test clock starts.
var testNow = time.Date(2024, 11, 16, 11, 30, 0, 0, time.FixedZone("EST", -5*3600))

// clock is a fake clock that tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: testNow} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// sent is one request a Client made.
type sent struct {
	method string
	url    *url.URL
	auth   string
}

// recorder is a RoundTripper that records every request and sends it on.
type recorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	reqs []sent
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.reqs = append(r.reqs, sent{req.Method, req.URL, req.Header.Get("Authorization")})
	r.mu.Unlock()
	return r.next.RoundTrip(req)
}

// sent returns the requests so far whose path starts with prefix.
func (r *recorder) sent(prefix string) []sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []sent
	for _, s := range r.reqs {
		if strings.HasPrefix(s.url.Path, prefix) {
			out = append(out, s)
		}
	}
	return out
}

// env is a simulator, a server for it, and a Client of it whose requests
// are recorded; the simulator and the client share a fake clock.
type env struct {
	sim   *Simulator
	srv   *httptest.Server
	c     *Client
	rec   *recorder
	clock *clock
}

// newEnv serves a simulator of cfg, with the test credentials and clock
// unless cfg sets them, and returns it with a Client for it.
func newEnv(t *testing.T, cfg SimConfig) *env {
	t.Helper()
	clk := newClock()
	if cfg.ClientID == "" && cfg.ClientSecret == "" {
		cfg.ClientID, cfg.ClientSecret = testClientID, testSecret
	}
	if cfg.Now == nil {
		cfg.Now = clk.Now
	}
	sim := NewSimulator(cfg)
	e := newStubEnv(t, sim, func(c *Config) { c.Now = clk.Now })
	e.sim, e.clock = sim, clk
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
	return &env{srv: srv, c: New(cfg), rec: rec}
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

// appRow returns row 7 asking application app for types.
func appRow(app, types string) bulkverify.Row {
	return newRow("application_id", app, "document_types", types)
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

// outcome is what a test expects of Verify: a result, or a transient error
// with an operation and HTTP status.
type outcome struct {
	status   bulkverify.Status
	code     bulkverify.Code
	words    string // the message, or the transient Reason, contains them
	op       string // transient: the UpstreamError's Op
	httpCode int    // transient: the UpstreamError's status; -1 for none
}

func final(s bulkverify.Status, c bulkverify.Code, words string) outcome {
	return outcome{status: s, code: c, words: words}
}

func transient(op string, status int, words string) outcome {
	return outcome{op: op, httpCode: status, words: words}
}

var verified = final(bulkverify.StatusVerified, bulkverify.CodeOK, "every file has its listed size and type")

func (w outcome) String() string {
	if w.op != "" {
		return "transient " + w.op + " HTTP " + strconv.Itoa(w.httpCode)
	}
	return string(w.status) + " " + string(w.code)
}

func (w outcome) check(t *testing.T, res bulkverify.Result, err error) {
	t.Helper()
	if w.op != "" {
		ue := upstreamError(t, err)
		status := max(w.httpCode, 0)
		if ue.Op != w.op || ue.StatusCode != status || !strings.Contains(ue.Reason, w.words) {
			t.Errorf("got UpstreamError{Op %q, HTTP %d, Reason %q}, want {Op %q, HTTP %d, Reason with %q}", ue.Op, ue.StatusCode, ue.Reason, w.op, status, w.words)
		}
		if ue.Provider != Name {
			t.Errorf("got provider %q, want %q", ue.Provider, Name)
		}
		return
	}
	if err != nil {
		t.Fatalf("got error %v, want a result %s", err, w)
	}
	if res.Status != w.status || res.Code != w.code {
		t.Fatalf("got %s/%s (%s), want %s/%s", res.Status, res.Code, res.Message, w.status, w.code)
	}
	if !strings.Contains(res.Message, w.words) {
		t.Errorf("got message %q, want it to say %q", res.Message, w.words)
	}
	if res.Retryable {
		t.Errorf("got retryable true, want false: submitting the row again cannot help")
	}
	if res.RowNumber != 7 || res.ReferenceID != "ref-7" {
		t.Errorf("got row %d reference %q, want 7 and ref-7", res.RowNumber, res.ReferenceID)
	}
}

// wantEvidence checks the evidence of a verified row of application app
// and the seed document types.
func wantEvidence(t *testing.T, got bulkverify.Result, app string, types ...string) {
	t.Helper()
	var ids, sums, sizes, mimes []string
	for _, typ := range types {
		for _, d := range seedDocuments {
			if d.DocumentType == typ {
				id := simDocumentID(d.DocumentID, app)
				sum := sha256.Sum256(SimFile(id))
				ids, sums = append(ids, id), append(sums, hex.EncodeToString(sum[:]))
				sizes, mimes = append(sizes, strconv.FormatInt(d.FileSize, 10)), append(mimes, "application/pdf")
			}
		}
	}
	want := bulkverify.Result{
		RowNumber: 7, ReferenceID: "ref-7", Status: bulkverify.StatusVerified, Code: bulkverify.CodeOK, Message: got.Message,
		DocumentType: strings.Join(types, "|"), DocumentID: strings.Join(ids, "|"), Issuer: "FlexFactor",
		SHA256: strings.Join(sums, "|"), Size: strings.Join(sizes, "|"), MIME: strings.Join(mimes, "|"),
		VerifiedAt: "2024-11-16T16:30:00Z",
	}
	if got != want {
		t.Errorf("got evidence %+v,\nwant %+v", got, want)
	}
}
