package flexfactor

import (
	"testing"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/upstream"
)

func TestClassify(t *testing.T) {
	notFound := upstream.Final(bulkverify.StatusNotVerified, bulkverify.CodeApplicationNotFound)
	tests := []struct {
		name   string
		op     string
		status int
		errs   []string
		want   Outcome
	}{
		{"a token 400 is TOKEN_INVALID", OpToken, 400, []string{"invalid_request"}, upstream.TokenInvalid},
		{"a token 401 invalid_client is TOKEN_INVALID", OpToken, 401, []string{"invalid_client"}, upstream.TokenInvalid},
		{"a token 403 is TOKEN_INVALID", OpToken, 403, nil, upstream.TokenInvalid},
		{"a token 405 is UPSTREAM_REJECTED", OpToken, 405, nil, upstream.Rejected},
		{"a token 429 is transient", OpToken, 429, nil, upstream.TryAgain},
		{"a token 502 is transient", OpToken, 502, nil, upstream.TryAgain},
		{"the seed's 404 is APPLICATION_NOT_FOUND", OpList, 404, []string{"Invalid application ID."}, notFound},
		{"the seed's success:false is APPLICATION_NOT_FOUND", OpList, 200, []string{"Invalid application ID."}, notFound},
		{"the error is matched whatever its case, spacing and period", OpList, 400, []string{"other", " invalid  APPLICATION id "}, notFound},
		{"a longer error is not the seed's", OpList, 200, []string{"Invalid application ID format."}, upstream.Rejected},
		{"a bare 404 is UPSTREAM_REJECTED", OpList, 404, nil, upstream.Rejected},
		{"a list 401 is TOKEN_INVALID", OpList, 401, []string{"Authentication failed. Invalid bearer token."}, upstream.TokenInvalid},
		{"a list 403 is UPSTREAM_REJECTED", OpList, 403, nil, upstream.Rejected},
		{"a success:false with another error is UPSTREAM_REJECTED", OpList, 200, []string{"Locked."}, upstream.Rejected},
		{"a list 429 is transient", OpList, 429, nil, upstream.TryAgain},
		{"a list 503 saying invalid application is still transient", OpList, 503, []string{"Invalid application ID."}, upstream.TryAgain},
		{"a download 403 is transient", OpDownload, 403, []string{"AccessDenied: Request has expired"}, upstream.TryAgain},
		{"a download 410 is transient", OpDownload, 410, nil, upstream.TryAgain},
		{"a download 404 is DOCUMENT_NOT_FOUND", OpDownload, 404, nil, upstream.DocumentNotFound},
		{"a download 401 is UPSTREAM_REJECTED", OpDownload, 401, nil, upstream.Rejected},
		{"a download 404 saying invalid application is DOCUMENT_NOT_FOUND", OpDownload, 404, []string{"Invalid application ID."}, upstream.DocumentNotFound},
		{"a download 500 is transient", OpDownload, 500, nil, upstream.TryAgain},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Classify(tt.op, tt.status, tt.errs); got != tt.want {
				t.Errorf("Classify(%q, %d, %q) got %+v, want %+v", tt.op, tt.status, tt.errs, got, tt.want)
			}
		})
	}
}
