package deepvue

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/batchcsv"
	"github.com/bulkverify/bulkverify/provider/providertest"
)

func TestEveryResultKeepsWhatItWasVerifiedUnder(t *testing.T) {
	const configured = "Account opening"
	tests := []struct {
		name    string
		row     bulkverify.Row
		code    bulkverify.Code
		purpose string
		txn     bool // carries Deepvue's transaction_id
	}{
		{"a verified row keeps its consent as written and the configured purpose", dvRow("verified-1", "PANCR", "y"), bulkverify.CodeOK, configured, true},
		{"a row's own purpose is the one kept", dvRow("verified-1", "PANCR", "Y", ColPurpose, "Loan onboarding"), bulkverify.CodeOK, "Loan onboarding", true},
		{"a row not found keeps Deepvue's transaction_id", dvRow("nodocument-1", "PANCR", "Y"), bulkverify.CodeDocumentNotFound, configured, true},
		{"a claim that fails keeps it too", dvRow("verified-1", "PANCR", "Y", bulkverify.ClaimDocumentNumber, "ABCDE9999Z"), bulkverify.CodeDocumentNumberMismatch, configured, true},
		{"an envelope's refusal keeps its transaction_id", dvRow("expired-1", "PANCR", "Y"), CodeSessionExpired, configured, true},
		{"a refusal without an envelope has none", dvRow("forbidden-1", "PANCR", "Y"), bulkverify.CodeTokenInvalid, configured, false},
		{"a row without consent keeps its consent and has no transaction", dvRow("verified-1", "PANCR", "N"), bulkverify.CodeConsentRequired, configured, false},
		{"a row with an empty consent keeps it empty", dvRow("verified-1", "PANCR", ""), bulkverify.CodeConsentRequired, configured, false},
		{"a row the Spec refuses keeps them too", dvRow(strings.Repeat("a", MaxTransactionIDLen+1), "PANCR", "Y"), bulkverify.CodeInvalidRow, configured, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, SimConfig{}, func(c *Config) { c.Purpose = configured })
			res, err := providertest.Verify(t, e.c, tt.row)
			if err != nil || res.Code != tt.code {
				t.Fatalf("got %s (%s), %v, want %s", res.Code, res.Message, err, tt.code)
			}
			if res.Consent != tt.row.Get(ColConsent) || res.Purpose != tt.purpose {
				t.Errorf("got consent %q purpose %q, want %q %q", res.Consent, res.Purpose, tt.row.Get(ColConsent), tt.purpose)
			}
			if got := hex32.MatchString(res.TransactionID); got != tt.txn || (!tt.txn && res.TransactionID != "") {
				t.Errorf("got transaction_id %q, want Deepvue's 32 hex digits: %v", res.TransactionID, tt.txn)
			}
		})
	}
}

func TestTheTransactionIDIsTheAnswers(t *testing.T) {
	e := newStubEnv(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte(`{"code": 200, "transaction_id": "dv-txn-0042", "sub_code": "SUCCESS", "data": [{"doctype": "PANCR", "uri": "x-PANCR-1"}]}`))
	}))
	res, err := providertest.Verify(t, e.c, dvRow("verified-1", "PANCR", "Y"))
	providertest.Verified.Check(t, res, err)
	if res.TransactionID != "dv-txn-0042" {
		t.Errorf("got transaction_id %q, want the answer's dv-txn-0042", res.TransactionID)
	}
}

func TestAnEmptyConsentReachesTheProvider(t *testing.T) {
	t.Run("the header still needs the consent column", func(t *testing.T) {
		_, err := batchcsv.Split(strings.NewReader("initial_deepvue_transaction_id,doctype\nverified-1,PANCR\n"), Spec, batchcsv.Options{ChunkSize: 10})
		if code := bulkverify.ErrorCode(err); code != bulkverify.EMissingColumn || !strings.Contains(err.Error(), `"consent"`) {
			t.Errorf("got %v, want %s naming consent", err, bulkverify.EMissingColumn)
		}
	})
	t.Run("a row that leaves it empty passes intake", func(t *testing.T) {
		plan, err := batchcsv.Split(strings.NewReader("initial_deepvue_transaction_id,doctype,consent\nverified-1,PANCR,\n"), Spec, batchcsv.Options{ChunkSize: 10})
		if err != nil || plan.RejectedRows != 0 {
			t.Errorf("got %d rejected, %v, want the row accepted", plan.RejectedRows, err)
		}
	})
	t.Run("a row that leaves another required value empty names that column", func(t *testing.T) {
		col, reason := Spec.Problem(dvRow("verified-1", "", ""))
		if col != ColDocType || reason != "required value missing: doctype" {
			t.Errorf("got column %q reason %q, want doctype, required value missing: doctype", col, reason)
		}
	})
	t.Run("the provider makes it FAILED CONSENT_REQUIRED, not retryable, without a request", func(t *testing.T) {
		e := newEnv(t, SimConfig{})
		res, err := e.c.Verify(context.Background(), dvRow("verified-1", "PANCR", ""))
		providertest.Final(bulkverify.StatusFailed, bulkverify.CodeConsentRequired, "consent is empty, not Y").Check(t, res, err)
		if n := e.sim.Stats().Requests; n != 0 {
			t.Errorf("got %d requests, want none", n)
		}
	})
}

func TestAnnotateGivesAResultBuiltElsewhereTheRowsConsentAndPurpose(t *testing.T) {
	c := New(Config{Purpose: "Account opening", ClientSecret: testSecret})
	row := dvRow("down-1", "PANCR", "y")
	res := c.Annotate(row, bulkverify.Failed(row, bulkverify.CodeUpstreamUnavailable, "gave up", true))
	if res.Consent != "y" || res.Purpose != "Account opening" || res.TransactionID != "" || res.Code != bulkverify.CodeUpstreamUnavailable {
		t.Errorf("got %s consent %q purpose %q transaction_id %q, want UPSTREAM_UNAVAILABLE y, Account opening, none", res.Code, res.Consent, res.Purpose, res.TransactionID)
	}
}
