package digilocker

import (
	"testing"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/upstream"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		name, code string
		status     int
		want       Outcome
	}{
		{"invalid_token is a final TOKEN_INVALID", "invalid_token", 401, upstream.TokenInvalid},
		{"insufficient_scope is a final CONSENT_REQUIRED", "insufficient_scope", 403, upstream.Final(bulkverify.StatusFailed, bulkverify.CodeConsentRequired)},
		{"invalid_uri is DOCUMENT_NOT_FOUND", "invalid_uri", 404, upstream.DocumentNotFound},
		{"uri_missing is a final UPSTREAM_REJECTED", "uri_missing", 400, upstream.Rejected},
		{"an unknown 4xx code is a final UPSTREAM_REJECTED", "invalid_parameter", 400, upstream.Rejected},
		{"a bare 404 is a final UPSTREAM_REJECTED", "", 404, upstream.Rejected},
		{"a bare 401 is the token: the spec's only 401 is invalid_token", "", 401, upstream.TokenInvalid},
		{"a 401 with another code is the token too", "unauthorized", 401, upstream.TokenInvalid},
		{"partner_service_unresponsive with the spec's trailing space is transient", "partner_service_unresponsive ", 500, upstream.TryAgain},
		{"unexpected_error is transient", "unexpected_error", 500, upstream.TryAgain},
		{"repository_service_inactive is transient", "repository_service_inactive", 503, upstream.TryAgain},
		{"a repository_service code is transient whatever the status", "repository_service_exception", 400, upstream.TryAgain},
		{"a bare 429 is transient", "", 429, upstream.TryAgain},
		{"a bare 502 is transient", "", 502, upstream.TryAgain},
		{"a 504 with an unknown code is transient", "gateway_timeout", 504, upstream.TryAgain},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Classify(tt.status, tt.code); got != tt.want {
				t.Errorf("Classify(%d, %q) got %+v, want %+v", tt.status, tt.code, got, tt.want)
			}
		})
	}
}
