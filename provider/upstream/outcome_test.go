package upstream

import (
	"testing"

	"github.com/bulkverify/bulkverify"
)

func TestOutcomeResult(t *testing.T) {
	row := bulkverify.Row{Number: 7, Fields: map[string]string{"reference_id": "ref-7"}}
	tests := []struct {
		name string
		o    Outcome
		want bulkverify.Result
	}{
		{"a not-verified outcome is NOT_VERIFIED",
			Outcome{Status: bulkverify.StatusNotVerified, Code: bulkverify.CodeDocumentNotFound},
			bulkverify.NotVerified(row, bulkverify.CodeDocumentNotFound, "msg")},
		{"a failed outcome is FAILED",
			Outcome{Status: bulkverify.StatusFailed, Code: bulkverify.CodeTokenInvalid},
			bulkverify.Failed(row, bulkverify.CodeTokenInvalid, "msg", false)},
		{"a retryable failed outcome stays retryable",
			Outcome{Status: bulkverify.StatusFailed, Code: bulkverify.CodeUpstreamRejected, Retryable: true},
			bulkverify.Failed(row, bulkverify.CodeUpstreamRejected, "msg", true)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.o.Result(row, "msg"); got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestDeref(t *testing.T) {
	if got := Deref(nil); got != (bulkverify.Result{}) {
		t.Errorf("Deref(nil) got %+v, want the zero Result", got)
	}
	r := bulkverify.Result{RowNumber: 7, Code: bulkverify.CodeTokenInvalid}
	if got := Deref(&r); got != r {
		t.Errorf("Deref got %+v, want %+v", got, r)
	}
}
