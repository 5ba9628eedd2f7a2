package ratelimit

import (
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Hedging. A request that hangs (no answer, not even its headers) would
// hold its row, and so its chunk's worker slot, until the timeout. So an
// idempotent request (GET or HEAD without a body, or one declared so: see
// hedgeable) that has no answer after
// the hedge delay gets a second copy, which takes a token like any request;
// the first answer wins and the other copy is cut at once. The hedge delay
// is the larger of TransportConfig.HedgeAfter and hedgeFactor times the
// hedgeQuantile of the latency of the last hedgeSamples answers, and at most
// half the timeout. At most one request in 1/hedgeShare is hedged (with a
// reserve of hedgeBurst), so that an upstream slow for everyone is not sent
// twice the load.
const (
	hedgeSamples  = 256
	hedgeQuantile = 0.95
	hedgeFactor   = 3
	hedgeShare    = 0.1
	hedgeBurst    = 10
)

// hedger keeps the recent latencies, the hedge delay they give and the
// hedging budget. It is safe for concurrent use.
type hedger struct {
	least, timeout time.Duration

	mu      sync.Mutex
	lat     []time.Duration // ring of the last hedgeSamples latencies
	next    int
	stale   int // samples since delay was computed
	delay   time.Duration
	credits float64
}

func newHedger(least, timeout time.Duration) *hedger {
	return &hedger{least: least, timeout: timeout, delay: least, credits: hedgeBurst}
}

// observe records the latency of an answer (time to its headers).
func (h *hedger) observe(d time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.lat) < hedgeSamples {
		h.lat = append(h.lat, d)
	} else {
		h.lat[h.next] = d
		h.next = (h.next + 1) % hedgeSamples
	}
	if h.stale++; h.stale >= hedgeSamples/8 {
		h.stale = 0
		h.delay = h.compute()
	}
}

// compute returns the hedge delay the samples give; h.mu is held.
func (h *hedger) compute() time.Duration {
	sorted := slices.Clone(h.lat)
	slices.Sort(sorted)
	d := max(h.least, hedgeFactor*sorted[int(hedgeQuantile*float64(len(sorted)-1))])
	if h.timeout > 0 {
		d = min(d, h.timeout/2)
	}
	return d
}

// delayNow returns the hedge delay and credits the budget with one request.
func (h *hedger) delayNow() time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.credits = min(hedgeBurst, h.credits+hedgeShare)
	return h.delay
}

// take spends a hedge from the budget, if there is one.
func (h *hedger) take() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.credits < 1 {
		return false
	}
	h.credits--
	return true
}

// hedgeable tells whether req may be sent twice: a GET or HEAD without a
// body, or a request its caller declares idempotent as net/http's own
// Transport reads it (an Idempotency-Key or X-Idempotency-Key header,
// which an empty slice keeps off the wire) whose body can be had again.
func hedgeable(req *http.Request) bool {
	noBody := req.Body == nil || req.Body == http.NoBody
	if req.Method == http.MethodGet || req.Method == http.MethodHead {
		return noBody
	}
	_, key := req.Header["Idempotency-Key"]
	_, xkey := req.Header["X-Idempotency-Key"]
	return (key || xkey) && (noBody || req.GetBody != nil)
}

// copyOf returns req with a body of its own for a second copy on the
// wire: the first copy's is being read.
func copyOf(req *http.Request) (*http.Request, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return req, nil
	}
	body, err := req.GetBody()
	if err != nil {
		return nil, fmt.Errorf("hedge: the request's body again: %w", err)
	}
	c := req.Clone(req.Context())
	c.Body = body
	return c, nil
}

// hedged sends req and, if it has no answer after the hedge delay, a
// second copy; it returns the first answer, or the first error once every
// copy has failed. A copy that fails before the delay is not hedged: its
// error is returned at once.
func (t *Transport) hedged(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	results := make(chan *attempt, 2)
	primary := t.newAttempt(ctx)
	go func() {
		primary.send(req)
		results <- primary
	}()
	timer := t.cfg.Clock.NewTimer(t.hedges.delayNow())
	defer timer.Stop()
	fire := timer.C()
	inflight := []*attempt{primary}
	var firstErr error
	for {
		select {
		case a := <-results:
			inflight = slices.DeleteFunc(inflight, func(b *attempt) bool { return b == a })
			if a.err == nil {
				for _, loser := range inflight {
					loser.abort()
				}
				go drain(results, len(inflight))
				return a.answer()
			}
			var err error
			if a.ctx != nil { // it was sent
				_, err = a.answer()
			} else {
				err = a.err
			}
			if firstErr == nil {
				firstErr = err
			}
			if len(inflight) == 0 {
				return nil, firstErr
			}
		case <-fire:
			fire = nil
			if !t.hedges.take() {
				continue
			}
			t.lim.metrics.Hedges.WithLabelValues(t.lim.provider).Inc()
			h := t.newAttempt(ctx)
			inflight = append(inflight, h)
			go func() {
				if err := t.lim.Wait(h.base, batchFrom(ctx)); err != nil {
					h.err = err // never sent
				} else if c, err := copyOf(req); err != nil {
					h.err = err
				} else {
					h.send(c)
				}
				results <- h
			}()
		}
	}
}

// drain collects the n copies that lost and frees what they hold.
func drain(results <-chan *attempt, n int) {
	for range n {
		a := <-results
		if a.resp != nil {
			a.resp.Body.Close()
		}
		if a.cancel != nil {
			a.cancel()
		}
		a.abort()
	}
}
