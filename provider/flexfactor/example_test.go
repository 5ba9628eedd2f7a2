package flexfactor

import (
	"encoding/csv"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/bulkverify/bulkverify"
)

// exampleOutcomes are the final codes of examples/flexfactor.csv against
// the simulator, by reference_id, after a caller that retries transient
// errors twice.
var exampleOutcomes = map[string]bulkverify.Code{
	"FF-0001": "OK", "FF-0002": "OK", "FF-0003": "OK", "FF-0004": "OK", "FF-0005": "OK",
	"FF-0006": "DOCUMENT_NOT_FOUND", "FF-0007": "DOCUMENT_NOT_FOUND", "FF-0008": "DOCUMENT_NOT_FOUND",
	"FF-0009": "INTEGRITY_FAILED", "FF-0010": "INTEGRITY_FAILED",
	"FF-0011": "UNTRUSTED_DOWNLOAD_URL",
	"FF-0012": "OK",
	"FF-0013": "APPLICATION_NOT_FOUND", "FF-0014": "APPLICATION_NOT_FOUND", "FF-0015": "APPLICATION_NOT_FOUND",
	"FF-0016": "UPSTREAM_REJECTED",
	"FF-0017": "OK",
	"FF-0018": "UPSTREAM_UNAVAILABLE",
	"FF-0019": "OK",
	"FF-0020": "INVALID_ROW", "FF-0021": "INVALID_ROW",
}

func TestExampleCSV(t *testing.T) {
	f, err := os.Open("../../examples/flexfactor.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := records[0]
	if got, want := strings.Join(header, ","), "reference_id,application_id,document_types"; got != want {
		t.Fatalf("got header %s, want %s", got, want)
	}
	if len(records)-1 != len(exampleOutcomes) {
		t.Errorf("got %d rows, want %d", len(records)-1, len(exampleOutcomes))
	}
	e := newEnv(t, SimConfig{})
	for i, rec := range records[1:] {
		row := bulkverify.Row{Number: i + 1, Fields: map[string]string{}}
		for j, name := range header {
			row.Fields[name] = strings.TrimSpace(rec[j])
		}
		t.Run(row.ReferenceID()+" ends "+string(exampleOutcomes[row.ReferenceID()]), func(t *testing.T) {
			if got := verifyWithRetries(t, e.c, row); got != exampleOutcomes[row.ReferenceID()] {
				t.Errorf("got %s, want %s", got, exampleOutcomes[row.ReferenceID()])
			}
		})
	}
	if got := e.sim.Counts().TokensIssued; got != 2 {
		t.Errorf("got %d tokens issued for the file, want 2: one, and one after the revocation", got)
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
