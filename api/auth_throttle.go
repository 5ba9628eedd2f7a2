package api

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"time"

	"github.com/bulkverify/bulkverify"
)

// AuthThrottle counts failed authentications per key (a client id, a
// source address), shared by every serve process.
type AuthThrottle interface {
	// Failed counts a failed attempt against each of keys and returns how
	// long until they may try again: 0 while each is within its limit,
	// this failure included.
	Failed(ctx context.Context, keys ...string) (time.Duration, error)
	// Blocked returns how long until every one of keys may try again,
	// without counting an attempt: 0 when none is past its limit.
	Blocked(ctx context.Context, keys ...string) (time.Duration, error)
}

// authKeys are the throttle keys of an attempt: the source address and,
// when one is claimed, the client id.
func authKeys(r *http.Request, clientID string) []string {
	keys := []string{"addr:" + sourceAddr(r)}
	if clientID != "" {
		keys = append(keys, "client:"+clientID)
	}
	return keys
}

// sourceAddr is the address of the request's peer, r.RemoteAddr, never a
// header a client can write (X-Forwarded-For). An IPv6 address counts as
// its /64, which one host usually holds whole.
func sourceAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	ip = ip.Unmap()
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}

// authFailed counts a failed authentication against keys and reports
// whether the attempt was past the limit, in which case it has answered
// 429. If the throttle cannot be reached the failure is answered as
// usual: the throttle protects the secrets, it must not take the API down.
func (s *Server) authFailed(w http.ResponseWriter, r *http.Request, keys []string) bool {
	if s.AuthThrottle == nil {
		return false
	}
	wait, err := s.AuthThrottle.Failed(r.Context(), keys...)
	if err != nil {
		s.Log.Warn("authentication throttle unavailable; failure not counted", "err", err)
		return false
	}
	return s.tooManyAttempts(w, r, wait)
}

// authBlocked reports whether keys are past their limit, in which case it
// has answered 429: a right secret gets no further than a wrong one until
// the window passes, or guessing would go on.
func (s *Server) authBlocked(w http.ResponseWriter, r *http.Request, keys []string) bool {
	if s.AuthThrottle == nil {
		return false
	}
	wait, err := s.AuthThrottle.Blocked(r.Context(), keys...)
	if err != nil {
		s.Log.Warn("authentication throttle unavailable; letting the request through", "err", err)
		return false
	}
	return s.tooManyAttempts(w, r, wait)
}

// tooManyAttempts answers 429 TOO_MANY_ATTEMPTS with Retry-After when
// wait is not 0. It answers in the envelope, like every 429 of the API.
func (s *Server) tooManyAttempts(w http.ResponseWriter, r *http.Request, wait time.Duration) bool {
	if wait <= 0 {
		return false
	}
	secs := max(int((wait+time.Second-1)/time.Second), 1)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	s.writeError(w, r, bulkverify.Errorf(bulkverify.ETooManyAttempts,
		"more than %d failed authentications in a minute for this client_id or from this address: retry in %d s with the right client_id and secret", s.AuthFailuresPerMinute, secs))
	return true
}
