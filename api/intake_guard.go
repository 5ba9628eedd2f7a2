package api

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/bulkverify/bulkverify"
)

// idleBody ends a request body that makes no progress for idle: each Read
// must return within it, or the read fails with os.ErrDeadlineExceeded and
// the upload answers 408. A slow client that keeps sending is never cut.
type idleBody struct {
	io.ReadCloser
	rc   *http.ResponseController
	idle time.Duration
}

func (b idleBody) Read(p []byte) (int, error) {
	b.rc.SetReadDeadline(time.Now().Add(b.idle))
	return b.ReadCloser.Read(p)
}

func (s *Server) guardBody(w http.ResponseWriter, r *http.Request) {
	if s.UploadIdleTimeout > 0 {
		r.Body = idleBody{ReadCloser: r.Body, rc: http.NewResponseController(w), idle: s.UploadIdleTimeout}
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.MaxUploadBytes)
}

// timedOut reports whether err is a body read that hit the idle deadline.
func timedOut(err error) bool { return errors.Is(err, os.ErrDeadlineExceeded) }

// acquireUpload takes one of the process's upload slots, or answers 503
// with Retry-After when all are taken: each upload holds a part buffer, so
// the bound bounds memory.
func (s *Server) acquireUpload(w http.ResponseWriter) (release func(), ok bool) {
	if s.uploadSlots == nil {
		return func() {}, true
	}
	select {
	case s.uploadSlots <- struct{}{}:
		return func() { <-s.uploadSlots }, true
	default:
		w.Header().Set("Retry-After", "5")
		return nil, false
	}
}

// TenantLimiter is a per-tenant request rate limit shared by every serve
// process.
type TenantLimiter interface {
	// Allow takes one request of tenant's allowance; when none is left it
	// returns false and how long until one is.
	Allow(ctx context.Context, tenant string) (ok bool, retryAfter time.Duration, err error)
}

// limitTenant answers 429 with Retry-After once a tenant exceeds its
// request rate (BV_API_RATE). If the limiter cannot be reached the request
// goes through: the limit protects the service, it must not take it down.
func (s *Server) limitTenant(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.Limiter != nil {
			ok, wait, err := s.Limiter.Allow(r.Context(), tenantFrom(r.Context()))
			if err != nil {
				s.Log.Warn("tenant rate limit unavailable; letting the request through", "err", err)
			} else if !ok {
				secs := max(int(wait.Round(time.Second)/time.Second), 1)
				w.Header().Set("Retry-After", strconv.Itoa(secs))
				s.writeError(w, r, bulkverify.Errorf(bulkverify.ERateLimited, "more than %g requests/s from client %s: retry in %d s", s.APIRate, tenantFrom(r.Context()), secs))
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}
