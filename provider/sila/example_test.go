package sila

import (
	"encoding/csv"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/simulation"
)

// exampleOutcomes are the final codes of examples/sila.csv against the
// simulator, by reference_id, after a caller that retries transient errors
// twice. TOKEN_INVALID is not among them: it comes from the configuration,
// not from a row.
var exampleOutcomes = map[string]bulkverify.Code{
	"SL-0001": "OK", "SL-0002": "OK", "SL-0003": "OK", "SL-0004": "OK", "SL-0005": "OK",
	"SL-0006": "OK", "SL-0007": "OK", "SL-0008": "OK",
	"SL-0009": "DOCUMENT_NOT_FOUND", "SL-0010": "DOCUMENT_NOT_FOUND", "SL-0011": "DOCUMENT_NOT_FOUND", "SL-0012": "DOCUMENT_NOT_FOUND",
	"SL-0013": CodeUserNotFound, "SL-0014": CodeUserNotFound,
	"SL-0015": "UPSTREAM_REJECTED",
	"SL-0016": "OK",
	"SL-0017": "UPSTREAM_UNAVAILABLE",
	"SL-0019": "INVALID_ROW", "SL-0020": "INVALID_ROW", "SL-0021": "INVALID_ROW",
}

func TestExampleCSV(t *testing.T) {
	f, err := os.Open("../../examples/sila.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := records[0]
	if got, want := strings.Join(header, ","), "reference_id,user_handle,doc_types,start_date,end_date,search"; got != want {
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
