package providertest

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify/provider/upstream"
)

// Server is an httptest server of a handler, and an HTTP client of it that
// records what it exchanges.
type Server struct {
	*httptest.Server
	// HTTP sends through Recorder and gives up after VerifyTimeout.
	HTTP     *http.Client
	Recorder *Recorder
}

// Serve serves h until the test ends.
func Serve(t *testing.T, h http.Handler) *Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	rec := &Recorder{Next: srv.Client().Transport}
	return &Server{Server: srv, HTTP: &http.Client{Transport: rec, Timeout: VerifyTimeout}, Recorder: rec}
}

// Exchange is one request a client made, and the answer as far as the
// client read it.
type Exchange struct {
	Method string
	URL    *url.URL
	Header http.Header
	Body   []byte
	// Status and AnswerHeader are unset when no answer came.
	Status       int
	AnswerHeader http.Header
	answer       *bytes.Buffer
	mu           *sync.Mutex // guards answer
}

// Answer returns the bytes of the answer's body the client read.
func (x Exchange) Answer() []byte {
	if x.answer == nil {
		return nil
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	return bytes.Clone(x.answer.Bytes())
}

// Recorder is a RoundTripper that records every request, even one that
// gets no answer, and sends it on to Next. An answer's body is recorded as
// the client reads it, so a body that breaks off still does.
type Recorder struct {
	Next http.RoundTripper

	mu sync.Mutex
	ex []Exchange
}

// RoundTrip records req and sends it on.
func (r *Recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	x := Exchange{Method: req.Method, URL: req.URL, Header: req.Header.Clone()}
	if req.Body != nil && req.Body != http.NoBody {
		x.Body, _ = io.ReadAll(req.Body)
		req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(x.Body))
	}
	resp, err := r.Next.RoundTrip(req)
	if err == nil {
		x.Status, x.AnswerHeader, x.answer, x.mu = resp.StatusCode, resp.Header.Clone(), &bytes.Buffer{}, &r.mu
		resp.Body = &tee{ReadCloser: resp.Body, mu: &r.mu, buf: x.answer}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ex = append(r.ex, x)
	return resp, err
}

// Exchanges returns the exchanges so far whose path starts with prefix.
func (r *Recorder) Exchanges(prefix string) []Exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Exchange
	for _, x := range r.ex {
		if strings.HasPrefix(x.URL.Path, prefix) {
			out = append(out, x)
		}
	}
	return out
}

// tee copies what is read of a body into buf.
type tee struct {
	io.ReadCloser
	mu  *sync.Mutex
	buf *bytes.Buffer
}

func (t *tee) Read(p []byte) (int, error) {
	n, err := t.ReadCloser.Read(p)
	t.mu.Lock()
	t.buf.Write(p[:n])
	t.mu.Unlock()
	return n, err
}

// Endpoint returns the Endpoint of a client of s: its URL, with a trailing
// slash that the client must drop, its recorded HTTP client and now.
func (s *Server) Endpoint(now func() time.Time) upstream.Endpoint {
	return upstream.Endpoint{BaseURL: s.URL + "/", HTTPClient: s.HTTP, Now: now}
}
