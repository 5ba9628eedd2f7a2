package digilocker

import (
	"encoding/csv"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/simulation"
)

// exampleOutcomes are the final codes of examples/digilocker.csv against the
// simulator, by reference_id, after a caller that retries transient errors
// twice.
var exampleOutcomes = map[string]bulkverify.Code{
	"DL-0001": "OK", "DL-0002": "OK", "DL-0003": "OK", "DL-0004": "OK", "DL-0005": "OK",
	"DL-0006": "OK", "DL-0007": "OK", "DL-0008": "OK", "DL-0009": "OK", "DL-0010": "OK",
	"DL-0011": "NAME_MISMATCH", "DL-0012": "NAME_MISMATCH", "DL-0013": "DOB_MISMATCH",
	"DL-0014": "DOCUMENT_NOT_FOUND", "DL-0015": "DOCUMENT_NOT_FOUND", "DL-0016": "DOCUMENT_NOT_FOUND",
	"DL-0017": "DOCUMENT_NOT_FOUND", "DL-0018": "OK",
	"DL-0019": "INTEGRITY_FAILED", "DL-0020": "INTEGRITY_FAILED",
	"DL-0021": "TOKEN_INVALID", "DL-0022": "TOKEN_INVALID",
	"DL-0023": "CONSENT_REQUIRED", "DL-0024": "DOCUMENT_NOT_FOUND",
	"DL-0025": "OK", "DL-0026": "OK",
	"DL-0027": "UPSTREAM_UNAVAILABLE", "DL-0028": "UPSTREAM_UNAVAILABLE", "DL-0029": "UPSTREAM_UNAVAILABLE",
	"DL-0030": "UPSTREAM_UNAVAILABLE", "DL-0031": "UPSTREAM_UNAVAILABLE", "DL-0032": "UPSTREAM_UNAVAILABLE",
	"DL-0033": "UPSTREAM_UNAVAILABLE",
	"DL-0034": "UPSTREAM_REJECTED", "DL-0035": "CONSENT_REQUIRED", "DL-0036": "OK",
	"DL-0037": "UPSTREAM_UNAVAILABLE", "DL-0038": "OK", "DL-0039": "UPSTREAM_UNAVAILABLE",
	"DL-0040": "INVALID_ROW", "DL-0041": "INVALID_ROW",
}

func TestExampleCSV(t *testing.T) {
	f, err := os.Open("../../examples/digilocker.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := records[0]
	if got, want := strings.Join(header, ","), "reference_id,access_token,doctype,uri,name,dob"; got != want {
		t.Fatalf("got header %s, want %s", got, want)
	}
	if len(records)-1 != len(exampleOutcomes) {
		t.Errorf("got %d rows, want %d", len(records)-1, len(exampleOutcomes))
	}
	_, c := newSimClient(t, simulation.Faults{})
	for i, rec := range records[1:] {
		row := bulkverify.Row{Number: i + 1, Fields: map[string]string{}}
		for j, name := range header {
			row.Fields[name] = strings.TrimSpace(rec[j])
		}
		t.Run(row.ReferenceID()+" ends "+string(exampleOutcomes[row.ReferenceID()]), func(t *testing.T) {
			if got := verifyWithRetries(t, c, row); got != exampleOutcomes[row.ReferenceID()] {
				t.Errorf("got %s, want %s", got, exampleOutcomes[row.ReferenceID()])
			}
		})
	}
}

// verifyWithRetries makes three attempts, as a caller would, and returns
// the final code.
func verifyWithRetries(t *testing.T, c *Client, row bulkverify.Row) bulkverify.Code {
	t.Helper()
	for range 3 {
		res, err := verify(t, c, row)
		var ue *bulkverify.UpstreamError
		if errors.As(err, &ue) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		return res.Code
	}
	return bulkverify.CodeUpstreamUnavailable
}
