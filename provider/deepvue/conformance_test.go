package deepvue

import (
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/providertest"
	"github.com/bulkverify/bulkverify/provider/simulation"
)

// fixture is Deepvue's: one request a row, the API key the secret, and
// error answers either the seed's envelope or FastAPI's {"detail": ...}.
var fixture = providertest.Fixture{
	Verified: dvRow(TxnVerified+"-0001", "PANCR", "Y"),
	FirstOp:  OpList,
	Evidence: wantIssuedFile,
	Invalid: []bulkverify.Row{
		dvRow("", "PANCR", "Y"),
		dvRow("verified-1", "", "Y"),
		dvRow("verified-1\nY", "PANCR", "Y"),
		dvRow("verified-1", "PANCR", "Y", ColPurpose, "KYC\tcheck"),
		dvRow(strings.Repeat("a", MaxTransactionIDLen+1), "PANCR", "Y"),
		dvRow("verified-1", "PANCR", "Y", bulkverify.ClaimDocumentNumber, "ABCDE\t1234F"),
	},
	Transient: []providertest.TransientRow{
		{Row: dvRow(TxnFlaky+"-0001", "DRVLC", "Y"), Errors: []providertest.Want{transientList(500, 0, MsgFailedAtBank), transientList(503, 0, MsgUnavailable)}, Then: bulkverify.CodeOK},
		{Row: dvRow(TxnDown+"-0001", "PANCR", "Y"), Errors: []providertest.Want{transientList(503, 0, MsgUnavailable)}},
		{Row: dvRow(TxnThrottled+"-0001", "PANCR", "Y"), Errors: []providertest.Want{transientList(429, time.Second, MsgTooManyRequests)}},
	},
	Rows: kindRows(),
	Claims: []providertest.ClaimCase{
		{Row: dvRow("verified-1", "PANCR", "Y", bulkverify.ClaimDocumentNumber, "ABCDE1234F"), Code: bulkverify.CodeOK,
			Matches: map[string]bulkverify.Match{bulkverify.ClaimDocumentNumber: bulkverify.MatchOK}},
		{Row: dvRow("verified-1", "PANCR", "Y", bulkverify.ClaimDocumentNumber, "ABCDE9999Z"), Code: bulkverify.CodeDocumentNumberMismatch,
			Matches: map[string]bulkverify.Match{bulkverify.ClaimDocumentNumber: bulkverify.MatchMismatch}},
		{Row: dvRow("sample-1", "string", "Y", bulkverify.ClaimDocumentNumber, "X1234567"), Code: bulkverify.CodeClaimUnverifiable,
			Matches: map[string]bulkverify.Match{bulkverify.ClaimDocumentNumber: bulkverify.MatchUnavailable}},
	},
	Reasons: providertest.Reasons{TooMany: MsgTooManyRequests, ServerError: MsgInternalError, Bare: "Too Many Requests"},
	Echo: func(w http.ResponseWriter, _ *http.Request, status int, text string) {
		simulation.WriteJSON(w, status, Response{Code: &status, SubCode: "KEY_REFUSED", Message: text})
	},
	Example: providertest.Example{
		// DV-0010, whose consent is empty, reaches the provider, which makes it
		// CONSENT_REQUIRED; DV-0023, without a transaction id, is
		// rejected at intake.
		Outcomes: exampleOutcomes,
		Rejected: []string{"DV-0023"},
		Attempts: FlakyFailures + 1,
	},
}

// exampleOutcomes are the final codes of examples/deepvue.csv.
var exampleOutcomes = map[string]bulkverify.Code{
	"DV-0001": "OK", "DV-0002": "OK", "DV-0003": "OK", "DV-0004": "OK", "DV-0005": "OK",
	"DV-0006": "DOCUMENT_NOT_FOUND", "DV-0007": "DOCUMENT_NOT_FOUND",
	"DV-0008": "CONSENT_REQUIRED", "DV-0009": "CONSENT_REQUIRED", "DV-0010": "CONSENT_REQUIRED",
	"DV-0011": "INVALID_ROW", "DV-0012": "INVALID_ROW",
	"DV-0013": CodeSessionExpired,
	"DV-0014": "TOKEN_INVALID",
	"DV-0015": "UPSTREAM_UNAVAILABLE", "DV-0016": "UPSTREAM_UNAVAILABLE",
	"DV-0018": "OK", "DV-0019": "DOCUMENT_NUMBER_MISMATCH", "DV-0020": "OK", "DV-0021": "OK",
	"DV-0022": "CLAIM_UNVERIFIABLE", "DV-0023": "INVALID_ROW",
}

// transientList is the Want of a transient answer of HTTP status.
func transientList(status int, wait time.Duration, words string) providertest.Want {
	w := providertest.Transient(Spec.Name, OpList, status, words)
	w.Wait = wait
	return w
}

// kindRows are two rows of each transaction kind: for a doctype it may
// hold and for one it cannot.
func kindRows() []bulkverify.Row {
	var rows []bulkverify.Row
	for _, kind := range TransactionKinds() {
		rows = append(rows, dvRow(kind+"-1", "PANCR", "Y"), dvRow(kind+"-1", "NONE", "Y"))
	}
	return rows
}

// wantIssuedFile checks that a verified row's evidence is the file of its
// doctype in its transaction's data (the first, as the row claims no
// number), and that the result keeps what it was verified under.
func wantIssuedFile(t *testing.T, row bulkverify.Row, res bulkverify.Result) {
	t.Helper()
	files, err := Response{Data: kindOf(row.Get(ColTransactionID)).data}.Files()
	if err != nil {
		t.Fatal(err)
	}
	if res.Consent != row.Get(ColConsent) || res.Purpose != DefaultPurpose || !hex32.MatchString(res.TransactionID) {
		t.Errorf("got consent %q purpose %q transaction_id %q, want the row's consent, the default purpose and Deepvue's 32 hex digits",
			res.Consent, res.Purpose, res.TransactionID)
	}
	for _, f := range files {
		if strings.EqualFold(f.DocType, row.Get(ColDocType)) {
			if res.DocumentType != f.DocType || res.DocumentID != strings.TrimSpace(f.URI) || res.Issuer != f.Issuer {
				t.Errorf("got document %q %q %q, want %q %q %q", res.DocumentType, res.DocumentID, res.Issuer, f.DocType, strings.TrimSpace(f.URI), f.Issuer)
			}
			return
		}
	}
	t.Errorf("got %s verified, want its transaction to hold none", row.Get(ColDocType))
}

func TestExampleCSVShowsEveryRowOutcome(t *testing.T) {
	got := slices.Compact(slices.Sorted(maps.Values(exampleOutcomes)))
	want := []bulkverify.Code{"CLAIM_UNVERIFIABLE", "CONSENT_REQUIRED", "DOCUMENT_NOT_FOUND", "DOCUMENT_NUMBER_MISMATCH", "INVALID_ROW", "OK", CodeSessionExpired, "TOKEN_INVALID", "UPSTREAM_UNAVAILABLE"}
	if !slices.Equal(got, want) {
		t.Errorf("got codes %v, want every code a row can end with: %v", got, want)
	}
}

func TestConformance(t *testing.T) { providertest.Run(t, Provider, fixture) }
