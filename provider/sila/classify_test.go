package sila

import (
	"testing"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/upstream"
)

func TestClassify(t *testing.T) {
	userNotFound := upstream.Final(bulkverify.StatusNotVerified, CodeUserNotFound)
	failure := func(msg string, details ValidationDetails) APIError {
		return APIError{Status: "FAILURE", Message: msg, ValidationDetails: details}
	}
	tests := []struct {
		name   string
		status int
		body   APIError
		want   Outcome
	}{
		{"the seed's 400 for invalid document types is INVALID_ROW", 400, failure("One or more invalid document types specified", nil), upstream.InvalidRow},
		{"a 400 for a bad field is INVALID_ROW", 400, failure("Bad request.", ValidationDetails{"start_date": "Not a valid date."}), upstream.InvalidRow},
		{"a bare 400 is INVALID_ROW", 400, APIError{}, upstream.InvalidRow},
		{"a 422 is INVALID_ROW", 422, failure("Unprocessable", nil), upstream.InvalidRow},
		{"a 400 for a missing user_handle is INVALID_ROW", 400, failure("Bad request.", ValidationDetails{"header.user_handle": "Missing data for required field."}), upstream.InvalidRow},
		{"a 401 is TOKEN_INVALID", 401, failure("Invalid or expired access token", nil), upstream.TokenInvalid},
		{"a bare 401 is TOKEN_INVALID", 401, APIError{}, upstream.TokenInvalid},
		{"a 403 is TOKEN_INVALID", 403, failure("App not permitted", nil), upstream.TokenInvalid},
		{"a 403 about the user is still TOKEN_INVALID", 403, failure("user handle not found", nil), upstream.TokenInvalid},
		{"a 400 naming the app_handle is TOKEN_INVALID", 400, failure("Bad request.", ValidationDetails{"header.app_handle": "Missing data for required field."}), upstream.TokenInvalid},
		{"a 400 saying the app handle is not registered is TOKEN_INVALID", 400, failure("app handle bulkverify.silamoney.eth is not registered", nil), upstream.TokenInvalid},
		{"a 404 with Sila's envelope is USER_NOT_FOUND", 404, failure("Not found", nil), userNotFound},
		{"a 400 saying the user handle is not registered is USER_NOT_FOUND", 400, failure("User handle nobody.silamoney.eth is not registered with this app", nil), userNotFound},
		{"a 400 whose details say the handle does not exist is USER_NOT_FOUND", 400, failure("Bad request.", ValidationDetails{"header.user_handle": "handle does not exist"}), userNotFound},
		{"a 200 failure saying no user has the handle is USER_NOT_FOUND", 200, failure("Could not find user with handle nobody", nil), userNotFound},
		{"a 200 failure naming doc types is INVALID_ROW", 200, failure("One or more invalid document types specified", nil), upstream.InvalidRow},
		{"a 200 failure without a clearer signal is UPSTREAM_REJECTED", 200, failure("The request could not be completed", nil), upstream.Rejected},
		{"a 404 without Sila's envelope is UPSTREAM_REJECTED", 404, APIError{}, upstream.Rejected},
		{"a 409 is UPSTREAM_REJECTED", 409, failure("Conflict", nil), upstream.Rejected},
		{"a 429 is transient", 429, failure("Rate limit exceeded", nil), upstream.TryAgain},
		{"a bare 429 is transient", 429, APIError{}, upstream.TryAgain},
		{"a 408 is transient", 408, APIError{}, upstream.TryAgain},
		{"a 500 is transient", 500, failure("Internal server error", nil), upstream.TryAgain},
		{"a 503 saying the user is not found is still transient", 503, failure("user handle not found", nil), upstream.TryAgain},
		{"a bare 502 is transient", 502, APIError{}, upstream.TryAgain},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Classify(tt.status, tt.body); got != tt.want {
				t.Errorf("Classify(%d, %+v) got %+v, want %+v", tt.status, tt.body, got, tt.want)
			}
		})
	}
}
