package digilocker

import (
	"testing"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/upstream"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		name   string
		status int
		code   string
		want   Outcome
	}{
		{"invalid_token is a final TOKEN_INVALID", 401, "invalid_token", upstream.TokenInvalid},
		{"insufficient_scope is a final CONSENT_REQUIRED", 403, "insufficient_scope", upstream.Final(bulkverify.StatusFailed, bulkverify.CodeConsentRequired)},
		{"invalid_uri is DOCUMENT_NOT_FOUND", 404, "invalid_uri", upstream.DocumentNotFound},
		{"uri_missing is a final UPSTREAM_REJECTED", 400, "uri_missing", upstream.Rejected},
		{"an unknown 4xx code is a final UPSTREAM_REJECTED", 400, "invalid_parameter", upstream.Rejected},
		{"a bare 404 is a final UPSTREAM_REJECTED", 404, "", upstream.Rejected},
		{"a bare 401 is a final UPSTREAM_REJECTED", 401, "", upstream.Rejected},
		{"partner_service_unresponsive with the spec's trailing space is transient", 500, "partner_service_unresponsive ", upstream.TryAgain},
		{"unexpected_error is transient", 500, "unexpected_error", upstream.TryAgain},
		{"repository_service_inactive is transient", 503, "repository_service_inactive", upstream.TryAgain},
		{"a repository_service code is transient whatever the status", 400, "repository_service_exception", upstream.TryAgain},
		{"a bare 429 is transient", 429, "", upstream.TryAgain},
		{"a bare 502 is transient", 502, "", upstream.TryAgain},
		{"a 504 with an unknown code is transient", 504, "gateway_timeout", upstream.TryAgain},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Classify(tt.status, tt.code); got != tt.want {
				t.Errorf("Classify(%d, %q) got %+v, want %+v", tt.status, tt.code, got, tt.want)
			}
		})
	}
}
