package api

import (
	"context"
	"net/http"
	"slices"
)

// handleMonitoring serves the queue UI (asynqmon, read-only) to operators:
// clients listed in Operators, signed in with HTTP Basic auth (client id
// and secret, as a browser asks for them) or the API's headers. It shows
// every tenant's tasks, so other clients get 403.
func (s *Server) handleMonitoring(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.Header.Get("client-id"), r.Header.Get("x-api-key")
	}
	if id == "" || secret == "" {
		w.Header().Set("WWW-Authenticate", `Basic realm="bulkverify monitoring", charset="UTF-8"`)
		s.Metrics.Errors.WithLabelValues("UNAUTHORIZED").Inc()
		writeDetail(w, http.StatusUnauthorized, detailNotAuthenticated)
		return
	}
	// A wrong secret counts against the authentication throttle, as on
	// every route: this one must not be a way around it.
	keys := authKeys(r, id)
	matches := s.secretMatches(id, secret)
	if !matches && s.authFailed(w, r, keys) || matches && s.authBlocked(w, r, keys) {
		return
	}
	if !matches || !slices.Contains(s.Operators, id) {
		s.Metrics.Errors.WithLabelValues("FORBIDDEN").Inc()
		writeDetail(w, http.StatusForbidden, "the queue monitor is for operators: add this client_id to BV_OPERATORS")
		return
	}
	if s.Monitoring == nil {
		http.NotFound(w, r)
		return
	}
	s.Monitoring.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), tenantKey{}, id)))
}
