// Package simulation is what the upstream simulators share: the
// misbehaviour they inject (latency, random 5xx and 429 answers, an own
// rate limit) and count, the Server they embed to serve their routes
// behind it, and the small pieces every simulator repeats (a Counter of
// requests by key, the Bearer token of a request, WriteJSON).
package simulation

import (
	"bytes"
	"context"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Faults describes how a simulator misbehaves. The zero value passes every
// request through untouched and only counts it.
//
// Call Wrap once, before serving; the handler it returns and Stats are safe
// for concurrent use. A Faults may be copied before Wrap, not after.
type Faults struct {
	// Latency delays every request that passes the own rate limit.
	Latency time.Duration
	// ErrorRate is the share of requests, 0 to 1, answered with ErrorStatus.
	ErrorRate float64
	// ErrorStatus is the status of injected errors; 0 means 500.
	ErrorStatus int
	// TooManyRate is the share of requests, 0 to 1, answered 429.
	TooManyRate float64
	// HangRate is the share of requests, 0 to 1, never answered: the
	// simulator holds them until the client gives up (at most MaxHang).
	HangRate float64
	// TruncateRate is the share of requests, 0 to 1, whose answer is cut
	// off: the status, the headers (with the whole body's Content-Length)
	// and half the body are sent, then the connection is dropped.
	TruncateRate float64
	// RateLimit is the simulator's own limit in requests per second; above
	// it requests are answered 429 with Retry-After. 0 means no limit.
	RateLimit float64
	// Burst is the own limit's bucket size; 0 means ceil(RateLimit).
	Burst int
	// RetryAfter is the delay sent in Retry-After with every 429; 0 means
	// the time until the own limit frees a request, and 1s for injected 429s.
	RetryAfter time.Duration
	// Seed makes the injected errors and 429s a fixed sequence.
	Seed int64
	// ErrorBody writes the provider-specific answer for an injected status
	// (5xx or 429), status line included. Retry-After is set before it is
	// called. Nil means a plain-text body.
	ErrorBody func(w http.ResponseWriter, status int)
	// Now is the own limit's clock; nil means time.Now.
	Now func() time.Time

	st *state
}

// MaxHang bounds how long a request picked by HangRate is held.
const MaxHang = 10 * time.Minute

// Stats counts the requests a wrapped handler has seen, by the status class
// of their answers. A request abandoned by its client during Latency, and a
// hung one, are counted in Requests only (and Hung); a truncated answer is
// counted by its status (and in Truncated).
type Stats struct {
	Requests  int64
	OK        int64 // 1xx to 3xx
	Rejected  int64 // 4xx other than 429
	Throttled int64 // 429
	Errors    int64 // 5xx
	Hung      int64 `json:",omitempty"`
	Truncated int64 `json:",omitempty"`
}

type state struct {
	mu     sync.Mutex
	rng    *rand.Rand
	bucket *bucket

	requests, ok, rejected, throttled, errors, hung, truncated atomic.Int64
}

// Wrap returns next behind the faults f describes.
func (f *Faults) Wrap(next http.Handler) http.Handler {
	if f.st == nil {
		f.st = &state{rng: rand.New(rand.NewPCG(uint64(f.Seed), 0x5eed))}
		if f.RateLimit > 0 {
			f.st.bucket = newBucket(f.RateLimit, f.Burst)
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.st.requests.Add(1)
		rec := &statusRecorder{ResponseWriter: w}
		defer func() { f.st.count(rec.status) }() // a truncated answer panics
		f.serve(rec, r, next)
	})
}

// Stats returns the counts so far.
func (f *Faults) Stats() Stats {
	if f.st == nil {
		return Stats{}
	}
	return Stats{
		Requests:  f.st.requests.Load(),
		OK:        f.st.ok.Load(),
		Rejected:  f.st.rejected.Load(),
		Throttled: f.st.throttled.Load(),
		Errors:    f.st.errors.Load(),
		Hung:      f.st.hung.Load(),
		Truncated: f.st.truncated.Load(),
	}
}

func (f *Faults) serve(w http.ResponseWriter, r *http.Request, next http.Handler) {
	if wait, ok := f.allow(); !ok {
		f.tooMany(w, wait)
		return
	}
	if f.Latency > 0 && !bufferBody(w, r) {
		return
	}
	if !sleep(r.Context(), f.Latency) {
		return
	}
	if f.ErrorRate > 0 || f.TooManyRate > 0 || f.HangRate > 0 || f.TruncateRate > 0 {
		u := f.st.draw()
		switch {
		case u < f.ErrorRate:
			f.fail(w, orDefault(f.ErrorStatus, http.StatusInternalServerError))
			return
		case u < f.ErrorRate+f.TooManyRate:
			f.tooMany(w, time.Second)
			return
		case u < f.ErrorRate+f.TooManyRate+f.HangRate:
			f.st.hung.Add(1)
			if bufferBody(w, r) { // so that a client hanging up is noticed
				sleep(r.Context(), MaxHang)
			}
			return
		case u < f.ErrorRate+f.TooManyRate+f.HangRate+f.TruncateRate:
			f.st.truncated.Add(1)
			truncate(w, r, next)
			return
		}
	}
	next.ServeHTTP(w, r)
}

// truncate serves r through next into a buffer, then sends the status, the
// headers and the first half of the body with the whole body's
// Content-Length, and drops the connection: the client sees an answer that
// breaks off.
func truncate(w http.ResponseWriter, r *http.Request, next http.Handler) {
	buf := &bufferedAnswer{header: http.Header{}}
	next.ServeHTTP(buf, r)
	for k, v := range buf.header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Length", strconv.Itoa(buf.body.Len()))
	w.WriteHeader(orDefault(buf.status, http.StatusOK))
	w.Write(buf.body.Bytes()[:buf.body.Len()/2])
	http.NewResponseController(w).Flush()
	panic(http.ErrAbortHandler) // net/http drops the connection quietly
}

// bufferedAnswer is an http.ResponseWriter that keeps the answer.
type bufferedAnswer struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedAnswer) Header() http.Header { return b.header }

func (b *bufferedAnswer) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

func (b *bufferedAnswer) Write(p []byte) (int, error) { return b.body.Write(p) }

func (f *Faults) allow() (time.Duration, bool) {
	if f.st.bucket == nil {
		return 0, true
	}
	now := time.Now()
	if f.Now != nil {
		now = f.Now()
	}
	f.st.mu.Lock()
	defer f.st.mu.Unlock()
	return f.st.bucket.take(now)
}

// tooMany answers 429 with Retry-After: RetryAfter if set, else wait.
func (f *Faults) tooMany(w http.ResponseWriter, wait time.Duration) {
	if f.RetryAfter > 0 {
		wait = f.RetryAfter
	}
	w.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds(wait)))
	f.fail(w, http.StatusTooManyRequests)
}

func (f *Faults) fail(w http.ResponseWriter, status int) {
	if f.ErrorBody != nil {
		f.ErrorBody(w, status)
		return
	}
	http.Error(w, http.StatusText(status), status)
}

func (s *state) draw() float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rng.Float64()
}

func (s *state) count(status int) {
	switch {
	case status == 0:
	case status == http.StatusTooManyRequests:
		s.throttled.Add(1)
	case status >= 500:
		s.errors.Add(1)
	case status >= 400:
		s.rejected.Add(1)
	default:
		s.ok.Add(1)
	}
}

// maxBufferedBody bounds the request bodies bufferBody reads.
const maxBufferedBody = 1 << 20

// bufferBody reads a request's body before the injected latency: until a
// body is read to its end, net/http does not notice a client that hangs up,
// and one that gives up during the latency would hold the server (and
// httptest's Close) until the sleep ends. It answers 413 and returns false
// for a body over maxBufferedBody.
func bufferBody(w http.ResponseWriter, r *http.Request) bool {
	if r.Body == nil || r.Body == http.NoBody {
		return true
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBufferedBody))
	if err != nil {
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return false
	}
	r.Body = io.NopCloser(bytes.NewReader(b))
	return true
}

// sleep waits d or until ctx is done, and reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// retryAfterSeconds rounds d up to whole seconds, at least 1.
func retryAfterSeconds(d time.Duration) int {
	return max(1, int(math.Ceil(d.Seconds())))
}

func orDefault(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}
