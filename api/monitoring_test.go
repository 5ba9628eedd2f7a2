package api

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestQueueMonitorIsForOperatorsOnly(t *testing.T) {
	t.Parallel()
	s := newOpenAPITestServer()
	s.Clients["ops"] = "ops-secret"
	s.Operators = []string{"ops"}
	s.Monitoring = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if tenantFrom(r.Context()) != "ops" {
			t.Errorf("the monitor ran for %q", tenantFrom(r.Context()))
		}
		w.Write([]byte("asynqmon"))
	})
	h := s.Handler()
	tests := []struct {
		name       string
		user, pass string
		basic      bool
		want       int
	}{
		{"no credentials ask for them", "", "", true, http.StatusUnauthorized},
		{"an operator signs in with Basic auth", "ops", "ops-secret", true, http.StatusOK},
		{"an operator signs in with the API's headers", "ops", "ops-secret", false, http.StatusOK},
		{"a wrong secret is refused", "ops", "nope", true, http.StatusForbidden},
		{"a tenant that is no operator is refused", "acme", "s3cret", true, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/monitoring/", nil)
			if tt.user != "" && tt.basic {
				req.SetBasicAuth(tt.user, tt.pass)
			} else if tt.user != "" {
				req.Header.Set("client-id", tt.user)
				req.Header.Set("x-api-key", tt.pass)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.want {
				t.Errorf("got HTTP %d %s, want %d", rec.Code, rec.Body, tt.want)
			}
			if tt.want == http.StatusUnauthorized && rec.Header().Get("WWW-Authenticate") == "" {
				t.Error("a 401 without WWW-Authenticate: a browser would not ask for credentials")
			}
		})
	}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/monitoring/api/queues/chunks:pause", nil)
	req.SetBasicAuth("ops", "ops-secret")
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST to the monitor: got HTTP %d, want 405: it is read-only", rec.Code)
	}
}
