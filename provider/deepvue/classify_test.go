package deepvue

import (
	"testing"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/upstream"
)

func TestClassify(t *testing.T) {
	expired := upstream.Final(bulkverify.StatusFailed, CodeSessionExpired)
	validation := Response{Detail: Detail{Errors: []ValidationError{{Loc: []any{"body", "consent"}, Msg: "field required"}}}}
	tests := []struct {
		name   string
		status int
		body   Response
		want   Outcome
	}{
		{"the seed's 400 DUPLICATE_REQUEST is INVALID_ROW", 400, envelope(400, SubCodeDuplicateRequest, MsgDuplicate), upstream.InvalidRow},
		{"the seed's 401 SESSION_EXPIRED is SESSION_EXPIRED", 401, envelope(401, SubCodeSessionExpired, MsgSessionExpired), expired},
		{"a sub_code in lower case decides all the same", 401, envelope(401, "session_expired", MsgSessionExpired), expired},
		{"a 401 Not a valid token is TOKEN_INVALID", 401, detail(MsgNotAValidToken), upstream.TokenInvalid},
		{"a 403 Not a valid token is TOKEN_INVALID", 403, detail(MsgNotAValidToken), upstream.TokenInvalid},
		{"Not a valid token is TOKEN_INVALID whatever the status", 400, detail(MsgNotAValidToken), upstream.TokenInvalid},
		{"a 403 Not authenticated is TOKEN_INVALID", 403, detail(MsgNotAuthenticated), upstream.TokenInvalid},
		{"a bare 403 is TOKEN_INVALID", 403, Response{}, upstream.TokenInvalid},
		{"a bare 401 is TOKEN_INVALID", 401, Response{}, upstream.TokenInvalid},
		{"a 422 with a detail list is INVALID_ROW", 422, validation, upstream.InvalidRow},
		{"a detail list is INVALID_ROW whatever the 4xx", 409, validation, upstream.InvalidRow},
		{"a bare 422 is INVALID_ROW", 422, Response{}, upstream.InvalidRow},
		{"a 400 with another sub_code is INVALID_ROW", 400, envelope(400, "INVALID_CONSENT", "Consent is required"), upstream.InvalidRow},
		{"the seed's Failed at bank is transient at 500", 500, Response{Message: MsgFailedAtBank}, upstream.TryAgain},
		{"Failed at bank is transient at 200", 200, Response{Message: MsgFailedAtBank}, upstream.TryAgain},
		{"Failed at bank is transient at 400", 400, Response{Message: MsgFailedAtBank}, upstream.TryAgain},
		{"a 429 is transient", 429, detail(MsgTooManyRequests), upstream.TryAgain},
		{"a bare 429 is transient", 429, Response{}, upstream.TryAgain},
		{"a 408 is transient", 408, Response{}, upstream.TryAgain},
		{"a 502 is transient", 502, Response{}, upstream.TryAgain},
		{"a 503 saying the session expired is still transient", 503, envelope(503, SubCodeSessionExpired, MsgSessionExpired), upstream.TryAgain},
		{"a 200 whose code says 400 DUPLICATE_REQUEST is INVALID_ROW", 200, envelope(400, SubCodeDuplicateRequest, MsgDuplicate), upstream.InvalidRow},
		{"a 200 whose code says 503 is transient", 200, envelope(503, "", "Service Unavailable"), upstream.TryAgain},
		{"a 200 whose code says 401 without sub_code is TOKEN_INVALID", 200, envelope(401, "", "Unauthorized"), upstream.TokenInvalid},
		{"a bare 404, from a wrong base URL, is UPSTREAM_REJECTED", 404, Response{}, upstream.Rejected},
		{"a 404 with Deepvue's detail is UPSTREAM_REJECTED", 404, detail("Not Found"), upstream.Rejected},
		{"a 405 is UPSTREAM_REJECTED", 405, detail("Method Not Allowed"), upstream.Rejected},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Classify(tt.status, tt.body); got != tt.want {
				t.Errorf("Classify(%d, %+v) got %+v, want %+v", tt.status, tt.body, got, tt.want)
			}
		})
	}
}

func TestErrorAnswersClassifyAsListed(t *testing.T) {
	for _, e := range ErrorAnswers {
		if got := Classify(e.Status, e.Body); got != e.Outcome {
			t.Errorf("Classify(%d, %s) got %+v, want the listed %+v", e.Status, e.Body.text(), got, e.Outcome)
		}
		if !e.Outcome.Transient && e.Outcome.Retryable {
			t.Errorf("got HTTP %d %s retryable, want no final answer retryable", e.Status, e.Body.text())
		}
	}
}

func TestErrorAnswersCoverEverySeedAnswer(t *testing.T) {
	seeds := map[string]bool{}
	for _, e := range ErrorAnswers {
		if e.Seed {
			seeds[e.Body.text()] = true
		}
	}
	for _, file := range []string{"error_400_duplicate_request.json", "error_401_session_expired.json", "error_not_a_valid_token.json", "error_422_validation.json", "error_failed_at_bank.json"} {
		if text := decodeSeed(t, file).text(); !seeds[text] {
			t.Errorf("got no seed entry in ErrorAnswers for %s (%q), want one", file, text)
		}
	}
}
