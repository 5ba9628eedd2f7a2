package upstream

import (
	"errors"
	"testing"

	"github.com/bulkverify/bulkverify"
)

func TestVerify(t *testing.T) {
	spec := bulkverify.Spec{Name: "test", Required: []string{"token"}}
	row := func(token string) bulkverify.Row {
		return bulkverify.Row{Number: 3, Fields: map[string]string{"reference_id": "ref-3", "token": token}}
	}
	t.Run("a row that fails the spec is INVALID_ROW and never verified", func(t *testing.T) {
		called := false
		res, err := Verify(spec, row(""), nil, func() (bulkverify.Result, error) { called = true; return bulkverify.Result{}, nil })
		want := bulkverify.Failed(row(""), bulkverify.CodeInvalidRow, "required value missing: token: correct the row and submit it again", false)
		if err != nil || res != want || called {
			t.Errorf("got %+v, %v, verify called %t, want %+v and no call", res, err, called, want)
		}
	})
	t.Run("the answer of a good row comes back with its secrets redacted", func(t *testing.T) {
		ue := &bulkverify.UpstreamError{Reason: "echo s3cret-value"}
		res, err := Verify(spec, row("s3cret-value"), []string{"s3cret-value"}, func() (bulkverify.Result, error) {
			return bulkverify.Result{Message: "said s3cret-value"}, ue
		})
		if res.Message != "said [redacted]" || !errors.Is(err, ue) || ue.Reason != "echo [redacted]" {
			t.Errorf("got %q, %v, want both redacted", res.Message, err)
		}
	})
}

func TestUnset(t *testing.T) {
	row := bulkverify.Row{Number: 3, Fields: map[string]string{"reference_id": "ref-3"}}
	token := NewSetting("test token", "BV_TEST_TOKEN", " t ")
	if token.Value != "t" {
		t.Errorf("got value %q, want it trimmed", token.Value)
	}
	handle := Setting{What: "test handle", Var: "BV_TEST_HANDLE"}
	if _, unset := Unset(row, token); unset {
		t.Error("got a setting with a value unset, want it set")
	}
	res, unset := Unset(row, token, handle, Setting{What: "other", Var: "BV_TEST_OTHER"})
	want := bulkverify.Failed(row, bulkverify.CodeTokenInvalid, "no test handle is configured: set BV_TEST_HANDLE, then submit the row again", false)
	if !unset || res != want {
		t.Errorf("got %+v, %t, want %+v naming the first unset", res, unset, want)
	}
}
