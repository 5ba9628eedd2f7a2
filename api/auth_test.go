package api

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

func newAuthServer(now func() time.Time) *Server {
	reg := prometheus.NewRegistry()
	return &Server{
		Clients:   map[string]string{"acme": "s3cret", "other": "other-secret"},
		JWTSecret: []byte("jwt-test-secret"),
		JWTTTL:    time.Hour,
		Metrics:   NewMetrics(reg, reg),
		Now:       now,
		Log:       slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
}

func authorize(t *testing.T, h http.Handler, id, secret string) (int, map[string]any) {
	form := url.Values{"client_id": {id}, "client_secret": {secret}}
	req := httptest.NewRequest(http.MethodPost, "/v1/authorize", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var body map[string]any
	json.NewDecoder(rec.Body).Decode(&body)
	return rec.Code, body
}

func TestAuthentication(t *testing.T) {
	t.Parallel()
	now := time.Now()
	s := newAuthServer(func() time.Time { return now })
	h := s.Handler()
	code, tok := authorize(t, h, "acme", "s3cret")
	if code != http.StatusOK || tok["token_type"] != "bearer" || tok["expires_in"] != float64(3600) {
		t.Fatalf("authorize: got %d %v", code, tok)
	}
	jwt := tok["access_token"].(string)
	expired := newAuthServer(func() time.Time { return now.Add(-2 * time.Hour) })
	_, old := authorize(t, expired.Handler(), "acme", "s3cret")

	tests := []struct {
		name       string
		headers    map[string]string
		wantStatus int
		wantDetail string
	}{
		{"no credentials are not authenticated", nil, 401, "Not authenticated"},
		{"a client id without a key is not authenticated", map[string]string{"client-id": "acme"}, 401, "Not authenticated"},
		{"a wrong key is denied", map[string]string{"client-id": "acme", "x-api-key": "nope"}, 403, "Invalid client_id, access Denied"},
		{"an unknown client is denied", map[string]string{"client-id": "ghost", "x-api-key": "s3cret"}, 403, "Invalid client_id, access Denied"},
		{"another client's key is denied", map[string]string{"client-id": "acme", "x-api-key": "other-secret"}, 403, "Invalid client_id, access Denied"},
		{"a forged JWT cannot be validated", map[string]string{"Authorization": "Bearer " + jwt + "x", "x-api-key": "s3cret"}, 401, "Could not validate credentials"},
		{"an expired JWT cannot be validated", map[string]string{"Authorization": "Bearer " + old["access_token"].(string), "x-api-key": "s3cret"}, 401, "Could not validate credentials"},
		{"a JWT with another client's key is denied", map[string]string{"Authorization": "Bearer " + jwt, "x-api-key": "other-secret"}, 403, "Invalid client_id, access Denied"},
		{"a lower-case bearer scheme is admitted", map[string]string{"Authorization": "bearer " + jwt, "x-api-key": "s3cret"}, 422, ""},
		{"a JWT with its key is admitted", map[string]string{"Authorization": "Bearer " + jwt, "x-api-key": "s3cret"}, 422, ""},
		{"a client id with its key is admitted", map[string]string{"client-id": "acme", "x-api-key": "s3cret"}, 422, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// No request_id: an admitted request reaches the handler and gets 422.
			req := httptest.NewRequest(http.MethodGet, "/v1/verification/batch-processing-status", nil)
			for k, v := range tt.headers {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.wantStatus {
				t.Fatalf("got HTTP %d (%s), want %d", rec.Code, rec.Body, tt.wantStatus)
			}
			var body map[string]any
			json.NewDecoder(rec.Body).Decode(&body)
			if tt.wantDetail != "" && body["detail"] != tt.wantDetail {
				t.Errorf("got detail %v, want %q", body["detail"], tt.wantDetail)
			}
			if tt.wantDetail == "" && (body["sub_code"] != "INVALID_REQUEST_ID" || body["message"] != "Invalid Request ID") {
				t.Errorf("got %v, want the seed's INVALID_REQUEST_ID body", body)
			}
		})
	}
	t.Run("a wrong secret cannot authorize", func(t *testing.T) {
		code, body := authorize(t, h, "acme", "wrong")
		if code != http.StatusUnauthorized || body["detail"] != "Incorrect client_id or client_secret" {
			t.Errorf("got %d %v", code, body)
		}
	})
}

func TestTheWebUIIsServedWithoutCredentials(t *testing.T) {
	t.Parallel()
	h := newAuthServer(time.Now).Handler()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("GET /: got %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	if !strings.Contains(rec.Body.String(), `src="/assets/app.js"`) {
		t.Errorf("the page does not load /assets/app.js")
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/assets/app.js", nil))
	for _, want := range []string{"/v1/verification/batch", "batch-processing-status", `"file"`} {
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), want) {
			t.Errorf("GET /assets/app.js: got %d, without %q", rec.Code, want)
		}
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/nope", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("GET /nope: got %d, want 404", rec.Code)
	}
}
