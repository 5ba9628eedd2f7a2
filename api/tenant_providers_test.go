package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/providers"
)

func TestTenantProvidersLimitWhereATenantMayUpload(t *testing.T) {
	t.Parallel()
	const (
		digilockerCSV = "access_token,doctype\nverified-1,PANCR\n"
		silaCSV       = "user_handle,doc_types\nuser-1,id_drivers_permit\n"
	)
	tests := []struct {
		name     string
		limits   map[string][]string
		tenant   string
		method   string
		path     string
		body     string
		want     int
		wantCode string
		wantIn   string
	}{
		{"a tenant uploads to its provider", map[string][]string{"acme": {"digilocker"}}, "acme",
			http.MethodPost, "/v1/verification/batch?provider=digilocker&dry_run=true", digilockerCSV, http.StatusOK, "SUCCESS", ""},
		{"a tenant cannot upload to another provider", map[string][]string{"acme": {"digilocker"}}, "acme",
			http.MethodPost, "/v1/verification/batch?provider=sila&dry_run=true", silaCSV, http.StatusForbidden, "PROVIDER_NOT_ENABLED", "it may use digilocker"},
		{"nor through Deepvue's route", map[string][]string{"acme": {"digilocker"}}, "acme",
			http.MethodPost, "/v1/verification/sila/batch?dry_run=true", silaCSV, http.StatusForbidden, "PROVIDER_NOT_ENABLED", "it may use digilocker"},
		{"nor retry a batch of a provider taken from it", map[string][]string{"acme": {"digilocker"}}, "acme",
			http.MethodPost, "/v1/verification/batch/silabatch/retry", "", http.StatusForbidden, "PROVIDER_NOT_ENABLED", "may not upload to provider sila"},
		{"a tenant the setting does not list may upload nowhere", map[string][]string{"acme": {"digilocker"}}, "other",
			http.MethodPost, "/v1/verification/batch?provider=digilocker&dry_run=true", digilockerCSV, http.StatusForbidden, "PROVIDER_NOT_ENABLED", "may not upload to any provider"},
		{"without the setting every tenant may use every provider", nil, "acme",
			http.MethodPost, "/v1/verification/batch?provider=sila&dry_run=true", silaCSV, http.StatusOK, "SUCCESS", ""},
		{"an unknown provider is still INVALID_PROVIDER", map[string][]string{"acme": {"digilocker"}}, "acme",
			http.MethodPost, "/v1/verification/batch?provider=nope", digilockerCSV, http.StatusBadRequest, "INVALID_PROVIDER", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newAuthServer(time.Now)
			s.Specs, s.Providers, s.Intake, s.MaxUploadBytes = providers.Specs(), []string{"digilocker", "sila"}, dryRunIntake(), 1<<20
			s.TenantProviders = tt.limits
			s.Batches = fakeBatches{batches: map[string]bulkverify.Batch{
				"silabatch": {ID: "silabatch", Tenant: "acme", Provider: "sila", State: bulkverify.StateCompleted},
			}}
			req := httptest.NewRequest(tt.method, tt.path, strings.NewReader(tt.body))
			req.Header.Set("client-id", tt.tenant)
			req.Header.Set("x-api-key", map[string]string{"acme": "s3cret", "other": "other-secret"}[tt.tenant])
			req.Header.Set("Content-Type", "text/csv")
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, req)
			var env envelope
			json.Unmarshal(rec.Body.Bytes(), &env)
			if rec.Code != tt.want || env.SubCode != tt.wantCode || !strings.Contains(env.Message, tt.wantIn) {
				t.Errorf("got HTTP %d %s %q, want %d %s saying %q", rec.Code, env.SubCode, env.Message, tt.want, tt.wantCode, tt.wantIn)
			}
		})
	}
}
