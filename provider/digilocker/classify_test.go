package digilocker

import (
	"testing"

	"github.com/bulkverify/bulkverify"
)

func TestClassify(t *testing.T) {
	final := func(s bulkverify.Status, c bulkverify.Code) Outcome { return Outcome{Status: s, Code: c} }
	transient := Outcome{Transient: true}
	tests := []struct {
		name   string
		status int
		code   string
		want   Outcome
	}{
		{"invalid_token is a final TOKEN_INVALID", 401, "invalid_token", final(bulkverify.StatusFailed, bulkverify.CodeTokenInvalid)},
		{"insufficient_scope is a final CONSENT_REQUIRED", 403, "insufficient_scope", final(bulkverify.StatusFailed, bulkverify.CodeConsentRequired)},
		{"invalid_uri is DOCUMENT_NOT_FOUND", 404, "invalid_uri", final(bulkverify.StatusNotVerified, bulkverify.CodeDocumentNotFound)},
		{"uri_missing is a final UPSTREAM_REJECTED", 400, "uri_missing", final(bulkverify.StatusFailed, bulkverify.CodeUpstreamRejected)},
		{"an unknown 4xx code is a final UPSTREAM_REJECTED", 400, "invalid_parameter", final(bulkverify.StatusFailed, bulkverify.CodeUpstreamRejected)},
		{"a bare 404 is a final UPSTREAM_REJECTED", 404, "", final(bulkverify.StatusFailed, bulkverify.CodeUpstreamRejected)},
		{"a bare 401 is the token: the spec's only 401 is invalid_token", 401, "", final(bulkverify.StatusFailed, bulkverify.CodeTokenInvalid)},
		{"a 401 with another code is the token too", 401, "unauthorized", final(bulkverify.StatusFailed, bulkverify.CodeTokenInvalid)},
		{"partner_service_unresponsive with the spec's trailing space is transient", 500, "partner_service_unresponsive ", transient},
		{"unexpected_error is transient", 500, "unexpected_error", transient},
		{"repository_service_inactive is transient", 503, "repository_service_inactive", transient},
		{"a repository_service code is transient whatever the status", 400, "repository_service_exception", transient},
		{"a bare 429 is transient", 429, "", transient},
		{"a bare 502 is transient", 502, "", transient},
		{"a 504 with an unknown code is transient", 504, "gateway_timeout", transient},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Classify(tt.status, tt.code); got != tt.want {
				t.Errorf("Classify(%d, %q) got %+v, want %+v", tt.status, tt.code, got, tt.want)
			}
		})
	}
}
