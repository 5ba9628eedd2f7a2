package main

import (
	"net/http"
	"time"

	"github.com/bulkverify/bulkverify/ratelimit"
)

// startLimiter starts the global rate limiter of one provider; runWorker
// stops them all when it ends.
func (a *app) startLimiter(cfg ratelimit.Config, m *ratelimit.Metrics) *ratelimit.Limiter {
	lim := ratelimit.NewLimiter(cfg, a.rdb, m)
	lim.Start()
	a.limiters = append(a.limiters, lim)
	return lim
}

// stopLimiters stops the limiters startLimiter started.
func (a *app) stopLimiters() {
	for _, lim := range a.limiters {
		lim.Shutdown()
	}
	a.limiters = nil
}

// upstreamTransport sends a provider's requests through base under lim,
// each attempt timed out on its own (BV_UPSTREAM_TIMEOUT, from when it is
// sent, not counting the wait for a token) and hedged when it hangs
// (BV_UPSTREAM_HEDGE_AFTER).
func (a *app) upstreamTransport(base http.RoundTripper, lim *ratelimit.Limiter) http.RoundTripper {
	return ratelimit.NewTransport(base, lim, ratelimit.TransportConfig{Timeout: a.cfg.UpstreamTimeout, HedgeAfter: a.cfg.UpstreamHedgeAfter})
}

// A worker renews the leases of the chunks it runs every chunkLeaseEvery,
// each for chunkLeaseTTL: a worker that dies is noticed within the TTL,
// and its chunks are queued again by the next two sweeps (BV_SWEEP_INTERVAL).
const (
	chunkLeaseEvery = 2 * time.Second
	chunkLeaseTTL   = 6 * time.Second
)

// backlogEvery is how often a worker reads whether tasks wait for a slot,
// for the chunks that would hand theirs back (see worker.Slicer): a
// waiting task is seen within it.
const backlogEvery = 200 * time.Millisecond

// authClearanceMaxAge is how long a serve process remembers that a client
// and address were not blocked by the authentication throttle: a polling
// client costs one Redis read a second, not one a request; a guesser
// spread over several processes gets at most this long past the limit.
const authClearanceMaxAge = time.Second
