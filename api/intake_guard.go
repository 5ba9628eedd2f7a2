package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/bulkverify/bulkverify"
)

// uploadBody ends an upload body that stalls or trickles. Each Read must
// return within idle, or it fails with os.ErrDeadlineExceeded; with a
// minimum rate, each stretch of window spent waiting in Read must bring
// minRate bytes a second on average, or the read fails with a
// *slowUploadError. Both answer 408. Time the handler spends between
// reads (storing what it read) is not held against the client. After the
// end of the body no deadline is set: the server then watches the
// connection while the handler works, and a deadline would cut that watch
// and cancel the request.
type uploadBody struct {
	io.ReadCloser
	rc      *http.ResponseController
	idle    time.Duration // 0: no idle bound
	minRate int64         // bytes/s; 0: no minimum
	window  time.Duration
	waited  time.Duration // spent in Read during the current stretch
	got     int64         // bytes read during the current stretch
	eof     bool
}

// need is the bytes a stretch must bring.
func (b *uploadBody) need() int64 { return b.minRate * int64(b.window) / int64(time.Second) }

func (b *uploadBody) Read(p []byte) (int, error) {
	if b.eof {
		return b.ReadCloser.Read(p)
	}
	wait, byRate := b.idle, false
	if b.minRate > 0 && b.got < b.need() {
		if left := b.window - b.waited; wait == 0 || left < wait {
			wait, byRate = max(left, time.Millisecond), true
		}
	}
	start := time.Now()
	if wait > 0 {
		b.rc.SetReadDeadline(start.Add(wait))
	}
	n, err := b.ReadCloser.Read(p)
	b.waited += time.Since(start)
	b.got += int64(n)
	switch {
	case err == io.EOF:
		b.eof = true
	case timedOut(err) && byRate:
		err = b.slow()
	case err == nil && b.minRate > 0 && b.waited >= b.window:
		if b.got < b.need() {
			return n, b.slow()
		}
		b.waited, b.got = 0, 0
	}
	return n, err
}

func (b *uploadBody) slow() error {
	return &slowUploadError{got: b.got, over: b.waited, minRate: b.minRate}
}

// slowUploadError is an upload body slower than the minimum rate.
type slowUploadError struct {
	got     int64
	over    time.Duration
	minRate int64
}

func (e *slowUploadError) rate() int64 {
	return int64(float64(e.got) / max(e.over.Seconds(), 0.001))
}

func (e *slowUploadError) Error() string {
	return fmt.Sprintf("upload body brought %d bytes in %s (%d bytes/s), below the minimum of %d bytes/s", e.got, e.over.Round(time.Millisecond), e.rate(), e.minRate)
}

// userError is the 408 the client gets.
func (e *slowUploadError) userError() error {
	return bulkverify.Errorf(bulkverify.ERequestTimeout,
		"the upload brought %d bytes/s over the last %s, below this service's minimum of %d bytes/s (BV_UPLOAD_MIN_BYTES_PER_SECOND): send the file again from a faster connection",
		e.rate(), e.over.Round(100*time.Millisecond), e.minRate)
}

// guardBody bounds an upload's body: its size (MaxUploadBytes), its
// stalls (UploadIdleTimeout) and its rate (UploadMinBytesPerSecond).
func (s *Server) guardBody(w http.ResponseWriter, r *http.Request) {
	if s.UploadIdleTimeout > 0 || s.UploadMinBytesPerSecond > 0 {
		rc := http.NewResponseController(w)
		if err := rc.SetReadDeadline(time.Time{}); err != nil {
			s.Log.Warn("uploads cannot be given an idle timeout or a minimum rate on this connection", "err", err)
		} else {
			r.Body = &uploadBody{ReadCloser: r.Body, rc: rc, idle: s.UploadIdleTimeout, minRate: s.UploadMinBytesPerSecond, window: s.uploadRateWindow()}
		}
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.MaxUploadBytes)
}

// uploadRateWindow is the stretch over which an upload's rate is
// averaged: the idle timeout, so that one setting (30 s by default) says
// how long the service waits before judging a body.
func (s *Server) uploadRateWindow() time.Duration {
	if s.UploadIdleTimeout > 0 {
		return s.UploadIdleTimeout
	}
	return 30 * time.Second
}

// timedOut reports whether err is a body read that hit its deadline.
func timedOut(err error) bool { return errors.Is(err, os.ErrDeadlineExceeded) }

// acquireUpload takes one of the process's upload slots for tenant, or
// answers 503 SERVICE_BUSY with Retry-After when all are taken or tenant
// holds its share already: each upload holds a part buffer, so the bound
// bounds memory, and the share keeps one tenant from starving the others.
func (s *Server) acquireUpload(w http.ResponseWriter, tenant string) (release func(), err error) {
	if s.uploadSlots == nil {
		return func() {}, nil
	}
	release, err = s.uploadSlots.take(tenant)
	if err != nil {
		w.Header().Set("Retry-After", "5")
	}
	return release, err
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
