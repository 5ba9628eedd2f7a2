package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// TransportConfig configures a Transport.
type TransportConfig struct {
	// Timeout bounds one attempt, from when it is sent (its token already
	// taken) to the end of its answer's body; 0 means none. A hung request
	// therefore ends on its own, and the time spent waiting for a token
	// never counts against it.
	Timeout time.Duration
	// HedgeAfter is the least time an idempotent request waits for its
	// answer before a second copy is sent (see hedge.go); 0 turns hedging
	// off.
	HedgeAfter time.Duration
	// Clock times the attempts and the hedge delay; nil means SystemClock.
	Clock Clock
}

// Transport puts every request through a provider's Limiter: it takes a
// token first, sends the request with its own timeout, hedges a request
// that hangs, reports each answer to the adaptive rate and records it in
// the metrics. It is safe for concurrent use.
type Transport struct {
	base   http.RoundTripper
	lim    *Limiter
	cfg    TransportConfig
	hedges *hedger
}

var _ http.RoundTripper = (*Transport)(nil)

// NewTransport returns a Transport that sends through base under lim.
func NewTransport(base http.RoundTripper, lim *Limiter, cfg TransportConfig) *Transport {
	if cfg.Clock == nil {
		cfg.Clock = SystemClock{}
	}
	return &Transport{base: base, lim: lim, cfg: cfg, hedges: newHedger(cfg.HedgeAfter, cfg.Timeout)}
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if err := t.lim.Wait(ctx, batchFrom(ctx)); err != nil {
		if req.Body != nil {
			req.Body.Close() // a RoundTripper closes the body, even on error
		}
		return nil, err
	}
	if t.cfg.HedgeAfter > 0 && hedgeable(req) {
		return t.hedged(req)
	}
	a := t.newAttempt(ctx)
	a.send(req)
	return a.answer()
}

// attempt is one copy of a request on the wire.
type attempt struct {
	t      *Transport
	parent context.Context // the caller's
	base   context.Context // parent, until the attempt is abandoned
	abort  context.CancelFunc
	ctx    context.Context // base, until the timeout
	cancel context.CancelFunc
	op     string
	start  time.Time
	resp   *http.Response
	err    error
}

func (t *Transport) newAttempt(parent context.Context) *attempt {
	a := &attempt{t: t, parent: parent, op: operationFrom(parent)}
	a.base, a.abort = context.WithCancel(parent)
	return a
}

// send sends req under the attempt's own timeout.
func (a *attempt) send(req *http.Request) {
	if a.t.cfg.Timeout > 0 {
		a.ctx, a.cancel = context.WithTimeout(a.base, a.t.cfg.Timeout)
	} else {
		a.ctx, a.cancel = context.WithCancel(a.base)
	}
	a.start = a.t.cfg.Clock.Now()
	a.resp, a.err = a.t.base.RoundTrip(req.WithContext(a.ctx))
	if a.err == nil {
		a.t.hedges.observe(a.t.cfg.Clock.Now().Sub(a.start))
	}
}

// answer hands the attempt's outcome to the caller: the response, whose
// body ends the attempt when read or closed, or the error.
func (a *attempt) answer() (*http.Response, error) {
	if a.err != nil {
		class := a.errorClass(a.err)
		a.record(class)
		a.cancel()
		a.abort()
		if class == "timeout" {
			return nil, fmt.Errorf("no answer within %v: %w", a.t.cfg.Timeout, a.err)
		}
		return nil, a.err
	}
	if a.resp.StatusCode < 500 {
		a.t.lim.Observe(a.parent, a.resp.StatusCode == http.StatusTooManyRequests)
	}
	a.resp.Body = &attemptBody{ReadCloser: a.resp.Body, a: a}
	return a.resp, nil
}

// errorClass names what ended an attempt without an answer (or in the
// middle of its body).
func (a *attempt) errorClass(err error) string {
	switch {
	case a.parent.Err() != nil:
		return "cancelled" // the row's own context ended: a stopped batch
	case errors.Is(a.ctx.Err(), context.DeadlineExceeded):
		return "timeout"
	default:
		return "error"
	}
}

func statusClass(status int) string {
	if status == http.StatusTooManyRequests {
		return "429"
	}
	return strconv.Itoa(status/100) + "xx"
}

func (a *attempt) record(outcome string) {
	m, p := a.t.lim.metrics, a.t.lim.provider
	m.Requests.WithLabelValues(p, outcome).Inc()
	m.Duration.WithLabelValues(p, a.op, outcome).Observe(a.t.cfg.Clock.Now().Sub(a.start).Seconds())
}

// attemptBody ends its attempt (metrics, timeout) at the end of the body:
// EOF, a read error (an answer cut off, or the timeout) or Close.
type attemptBody struct {
	io.ReadCloser
	a    *attempt
	once sync.Once
}

func (b *attemptBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	switch {
	case err == io.EOF:
		b.end(nil)
	case err != nil:
		b.end(err)
	}
	return n, err
}

func (b *attemptBody) Close() error {
	err := b.ReadCloser.Close()
	b.end(nil)
	return err
}

func (b *attemptBody) end(readErr error) {
	b.once.Do(func() {
		outcome := statusClass(b.a.resp.StatusCode)
		if readErr != nil {
			outcome = b.a.errorClass(readErr)
		}
		b.a.record(outcome)
		b.a.cancel()
		b.a.abort()
	})
}
