package flexfactor

import (
	"testing"

	"github.com/bulkverify/bulkverify"
)

func TestClassify(t *testing.T) {
	final := func(s bulkverify.Status, c bulkverify.Code) Outcome { return Outcome{Status: s, Code: c} }
	transient := Outcome{Transient: true}
	notFound := final(bulkverify.StatusNotVerified, bulkverify.CodeApplicationNotFound)
	rejected := final(bulkverify.StatusFailed, bulkverify.CodeUpstreamRejected)
	tokenInvalid := final(bulkverify.StatusFailed, bulkverify.CodeTokenInvalid)
	tests := []struct {
		name   string
		op     string
		status int
		errs   []string
		want   Outcome
	}{
		{"a token 400 is TOKEN_INVALID", OpToken, 400, []string{"invalid_request"}, tokenInvalid},
		{"a token 401 invalid_client is TOKEN_INVALID", OpToken, 401, []string{"invalid_client"}, tokenInvalid},
		{"a token 403 is TOKEN_INVALID", OpToken, 403, nil, tokenInvalid},
		{"a token 405 is UPSTREAM_REJECTED", OpToken, 405, nil, rejected},
		{"a token 429 is transient", OpToken, 429, nil, transient},
		{"a token 502 is transient", OpToken, 502, nil, transient},
		{"the seed's 404 is APPLICATION_NOT_FOUND", OpList, 404, []string{"Invalid application ID."}, notFound},
		{"the seed's success:false is APPLICATION_NOT_FOUND", OpList, 200, []string{"Invalid application ID."}, notFound},
		{"the error is matched whatever its case, spacing and period", OpList, 400, []string{"other", " invalid  APPLICATION id "}, notFound},
		{"a longer error is not the seed's", OpList, 200, []string{"Invalid application ID format."}, rejected},
		{"a bare 404 is UPSTREAM_REJECTED", OpList, 404, nil, rejected},
		{"a list 401 is TOKEN_INVALID", OpList, 401, []string{"Authentication failed. Invalid bearer token."}, tokenInvalid},
		{"a list 403 is UPSTREAM_REJECTED", OpList, 403, nil, rejected},
		{"a success:false with another error is UPSTREAM_REJECTED", OpList, 200, []string{"Locked."}, rejected},
		{"a list 429 is transient", OpList, 429, nil, transient},
		{"a list 503 saying invalid application is still transient", OpList, 503, []string{"Invalid application ID."}, transient},
		{"a download 403 is transient", OpDownload, 403, []string{"AccessDenied: Request has expired"}, transient},
		{"a download 410 is transient", OpDownload, 410, nil, transient},
		{"a download 404 is DOCUMENT_NOT_FOUND", OpDownload, 404, nil, final(bulkverify.StatusNotVerified, bulkverify.CodeDocumentNotFound)},
		{"a download 401 is UPSTREAM_REJECTED", OpDownload, 401, nil, rejected},
		{"a download 404 saying invalid application is DOCUMENT_NOT_FOUND", OpDownload, 404, []string{"Invalid application ID."}, final(bulkverify.StatusNotVerified, bulkverify.CodeDocumentNotFound)},
		{"a download 500 is transient", OpDownload, 500, nil, transient},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Classify(tt.op, tt.status, tt.errs); got != tt.want {
				t.Errorf("Classify(%q, %d, %q) got %+v, want %+v", tt.op, tt.status, tt.errs, got, tt.want)
			}
		})
	}
}
