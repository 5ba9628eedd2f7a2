package deepvue

import (
	"bytes"
	"maps"
	"os"
	"slices"
	"testing"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/batchcsv"
)

// exampleOutcomes are the final codes of examples/deepvue.csv against the
// simulator, by reference_id, after a caller that makes three attempts of
// a row whose errors are transient, as the worker does. DV-0010, whose
// consent is empty, is rejected at intake: a required value is missing.
var exampleOutcomes = map[string]bulkverify.Code{
	"DV-0001": "OK", "DV-0002": "OK", "DV-0003": "OK", "DV-0004": "OK", "DV-0005": "OK",
	"DV-0006": "DOCUMENT_NOT_FOUND", "DV-0007": "DOCUMENT_NOT_FOUND",
	"DV-0008": "CONSENT_REQUIRED", "DV-0009": "CONSENT_REQUIRED",
	"DV-0010": "INVALID_ROW", "DV-0011": "INVALID_ROW", "DV-0012": "INVALID_ROW",
	"DV-0013": CodeSessionExpired,
	"DV-0014": "TOKEN_INVALID",
	"DV-0015": "UPSTREAM_UNAVAILABLE", "DV-0016": "UPSTREAM_UNAVAILABLE",
}

// TestExampleCSV takes examples/deepvue.csv the way the service does: the
// intake's Split checks the header and rows against Spec, the worker's
// ReadRows reads them back, a row with a reason is INVALID_ROW, and the
// others go to the Client.
func TestExampleCSV(t *testing.T) {
	input, err := os.ReadFile("../../examples/deepvue.csv")
	if err != nil {
		t.Fatal(err)
	}
	plan, err := batchcsv.Split(bytes.NewReader(input), Spec, batchcsv.Options{ChunkSize: 1000})
	if err != nil {
		t.Fatalf("got %v, want the example accepted", err)
	}
	if want := []string{"reference_id", ColTransactionID, ColDocType, ColConsent, ColPurpose}; !slices.Equal(plan.Header, want) {
		t.Errorf("got header %v, want %v", plan.Header, want)
	}
	if plan.TotalRows != len(exampleOutcomes) || plan.RejectedRows != 1 {
		t.Errorf("got %d rows, %d rejected, want %d and 1", plan.TotalRows, plan.RejectedRows, len(exampleOutcomes))
	}
	rows, reasons, err := batchcsv.ReadRows(bytes.NewReader(input[plan.Chunks[0].Offset:]), plan.Header, plan.Chunks[0], Spec)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, SimConfig{})
	for i, row := range rows {
		want := exampleOutcomes[row.ReferenceID()]
		t.Run(row.ReferenceID()+" ends "+string(want), func(t *testing.T) {
			got := bulkverify.CodeInvalidRow
			if reasons[i] == "" {
				got = e.settle(t, row)
			}
			if got != want {
				t.Errorf("got %s (%s), want %s", got, reasons[i], want)
			}
		})
	}
}

func TestExampleCSVShowsEveryRowOutcome(t *testing.T) {
	got := slices.Compact(slices.Sorted(maps.Values(exampleOutcomes)))
	want := []bulkverify.Code{"CONSENT_REQUIRED", "DOCUMENT_NOT_FOUND", "INVALID_ROW", "OK", CodeSessionExpired, "TOKEN_INVALID", "UPSTREAM_UNAVAILABLE"}
	if !slices.Equal(got, want) {
		t.Errorf("got codes %v, want every code a row can end with: %v", got, want)
	}
}

// settle makes up to FlakyFailures+1 attempts of row, as the worker
// would, and returns the final code; every error must be transient.
func (e *env) settle(t *testing.T, row bulkverify.Row) bulkverify.Code {
	t.Helper()
	for range FlakyFailures + 1 {
		res, err := e.run(t, row)
		if err == nil {
			return res.Code
		}
		wantTransient(t, err)
	}
	return bulkverify.CodeUpstreamUnavailable
}
