package deepvue

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/providertest"
	"github.com/bulkverify/bulkverify/provider/simulation"
)

// transactionCases are the outcomes of a first request of each transaction
// kind. A code of "" means a transient error with that HTTP status.
var transactionCases = []struct {
	txn, doctype string
	status       bulkverify.Status
	code         bulkverify.Code
	httpStatus   int
	words        string
}{
	{TxnSample + "-0001", "string", bulkverify.StatusVerified, bulkverify.CodeOK, 0, `DigiLocker holds the issued string document "string" from string, dated string`},
	{TxnVerified + "-0001", "PANCR", bulkverify.StatusVerified, bulkverify.CodeOK, 0, `issued PANCR document "PAN Verification Record" from Income Tax Department, dated 2021-08-17T10:12:03Z`},
	{TxnVerified + "-0002", "hscer", bulkverify.StatusVerified, bulkverify.CodeOK, 0, `issued HSCER document "Class XII Marksheet" from CBSE, dated 2015-05-12T15:50:38Z`},
	{TxnVerified + "-0003", "PSPRT", bulkverify.StatusNotVerified, bulkverify.CodeDocumentNotFound, 0,
		`the DigiLocker of transaction "verified-0003" has no issued PSPRT document (it holds only HSCER, INCER, PANCR, DRVLC, ADHAR)`},
	{TxnRenewed + "-0001", "DRVLC", bulkverify.StatusVerified, bulkverify.CodeOK, 0, `issued DRVLC document "Driving License" from Ministry of Road Transport and Highways, dated 2015-01-09T06:41:55Z`},
	{TxnNoDocument + "-0001", "ADHAR", bulkverify.StatusNotVerified, bulkverify.CodeDocumentNotFound, 0, "it holds no issued documents"},
	{TxnDuplicate + "-0001", "PANCR", bulkverify.StatusFailed, bulkverify.CodeInvalidRow, 0, MsgDuplicate},
	{TxnSessionExpired + "-0001", "PANCR", bulkverify.StatusFailed, CodeSessionExpired, 0, MsgSessionExpired},
	{TxnForbidden + "-0001", "PANCR", bulkverify.StatusFailed, bulkverify.CodeTokenInvalid, 0, MsgNotAValidToken},
	{TxnBankFailure + "-0001", "PANCR", "", "", 500, MsgFailedAtBank},
	{TxnFlaky + "-0001", "PANCR", "", "", 500, MsgFailedAtBank},
	{TxnDown + "-0001", "PANCR", "", "", 503, MsgUnavailable},
	{TxnThrottled + "-0001", "PANCR", "", "", 429, MsgTooManyRequests},
	{"DOWN-0002", "PANCR", "", "", 503, MsgUnavailable},
	{"0f6c3e1a9d7b4c25a8e0f2d4b6c8a0e2", "PANCR", bulkverify.StatusFailed, bulkverify.CodeInvalidRow, 0, MsgDuplicate},
}

func TestVerifyEveryTransaction(t *testing.T) {
	for _, tt := range transactionCases {
		name := fmt.Sprintf("a row for %s of transaction %s is %s/%s", tt.doctype, tt.txn, tt.status, tt.code)
		if tt.code == "" {
			name = fmt.Sprintf("a row of transaction %s is transient with HTTP %d", tt.txn, tt.httpStatus)
		}
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, SimConfig{})
			res, err := providertest.Verify(t, e.c, dvRow(tt.txn, tt.doctype, "Y"))
			if tt.code == "" {
				if ue := wantTransient(t, err); ue.StatusCode != tt.httpStatus || !strings.Contains(ue.Reason, tt.words) {
					t.Errorf("got HTTP %d %q, want HTTP %d %q", ue.StatusCode, ue.Reason, tt.httpStatus, tt.words)
				}
				return
			}
			if tt.status == bulkverify.StatusVerified {
				providertest.Verified.Check(t, res, err)
				if !strings.Contains(res.Message, tt.words) {
					t.Errorf("got message %q, want it to say %q", res.Message, tt.words)
				}
				return
			}
			providertest.Final(tt.status, tt.code, tt.words).Check(t, res, err)
		})
	}
}

func TestEveryTransactionKindHasACase(t *testing.T) {
	var tested []string
	for _, c := range transactionCases {
		kind, _, _ := strings.Cut(c.txn, "-")
		tested = append(tested, kind)
	}
	providertest.Covered(t, "transaction kind", TransactionKinds(), tested)
}

func TestVerifiedEvidence(t *testing.T) {
	tests := []struct {
		name    string
		txn     string
		doctype string
		want    bulkverify.Result
	}{
		{"a mime list is joined with |", "verified-1", "PANCR", bulkverify.Result{DocumentType: "PANCR", DocumentID: "in.gov.pan-PANCR-ABCDE1234F",
			Issuer: "Income Tax Department", MIME: "application/pdf|application/xml"}},
		{"a mime string is kept and a date's leading space dropped", "verified-1", "HSCER", bulkverify.Result{DocumentType: "HSCER", DocumentID: "in.gov.cbse-HSCER-201412345678",
			Issuer: "CBSE", MIME: "application/pdf"}},
		{"a uri's leading space is dropped", "verified-1", "incer", bulkverify.Result{DocumentType: "INCER", DocumentID: "in.gov.delhi-INCER-98765432",
			Issuer: "Delhi eDistrict", MIME: "application/pdf|application/xml"}},
		{"the seed's sample gives its placeholders", "sample-1", "string", bulkverify.Result{DocumentType: "string", DocumentID: "string",
			Issuer: "string", Size: "string", MIME: "string"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, SimConfig{})
			row := dvRow(tt.txn, tt.doctype, "Y")
			res, err := providertest.Verify(t, e.c, row)
			providertest.Verified.Check(t, res, err)
			want := bulkverify.Verified(row, res.Message)
			want.DocumentType, want.DocumentID, want.Issuer, want.Size, want.MIME = tt.want.DocumentType, tt.want.DocumentID, tt.want.Issuer, tt.want.Size, tt.want.MIME
			want.VerifiedAt = testNow.UTC().Format(time.RFC3339)
			want.Consent, want.Purpose, want.TransactionID = "Y", DefaultPurpose, simTransactionID(tt.txn, 1)
			if res != want {
				t.Errorf("got %+v, want %+v", res, want)
			}
		})
	}
}

func TestTheRequestIsTheSeeds(t *testing.T) {
	tests := []struct {
		name        string
		purpose     string // the row's
		cfgPurpose  string
		consent     string
		wantPurpose string
	}{
		{"a row's purpose is sent", "Loan onboarding", "Account opening", "Y", "Loan onboarding"},
		{"without one the configured purpose is sent", "", "Account opening", "y", "Account opening"},
		{"without either the default purpose is sent", "", "", " Y ", DefaultPurpose},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, SimConfig{}, func(c *Config) { c.Purpose = tt.cfgPurpose })
			res, err := providertest.Verify(t, e.c, dvRow("verified-1", "PANCR", tt.consent, ColPurpose, tt.purpose))
			providertest.Verified.Check(t, res, err)
			calls := e.rec.Exchanges("/")
			if len(calls) != 1 {
				t.Fatalf("got %d requests, want 1", len(calls))
			}
			h := calls[0].Header
			if h.Get("x-api-key") != testSecret || h.Get("client-id") != testClientID || h.Get("Content-Type") != "application/json" {
				t.Errorf("got headers x-api-key %q client-id %q Content-Type %q, want the API key, the client id and application/json",
					h.Get("x-api-key"), h.Get("client-id"), h.Get("Content-Type"))
			}
			var body map[string]any
			if err := json.Unmarshal(calls[0].Body, &body); err != nil {
				t.Fatal(err)
			}
			want := map[string]any{"consent": "Y", "purpose": tt.wantPurpose, "initial_deepvue_transaction_id": "verified-1"}
			if fmt.Sprint(body) != fmt.Sprint(want) {
				t.Errorf("got body %v, want %v", body, want)
			}
		})
	}
	t.Run("the path is the seed's below the base URL", func(t *testing.T) {
		var path string
		e := newStubEnv(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			path = r.Method + " " + r.URL.Path
			w.Write(readSeed(t, "issued_files_200.json"))
		}), func(c *Config) { c.BaseURL = strings.TrimSuffix(c.BaseURL, "/") + "/api//" })
		providertest.Verify(t, e.c, dvRow("sample-1", "string", "Y"))
		if path != "POST /api/v1/kyc/digilocker/issued-files" {
			t.Errorf("got %q, want POST /api/v1/kyc/digilocker/issued-files", path)
		}
	})
}

func TestRowsThatNeverReachDeepvue(t *testing.T) {
	tests := []struct {
		name  string
		row   bulkverify.Row
		opts  func(*Config)
		code  bulkverify.Code
		words string
	}{
		{"consent N", dvRow("verified-1", "PANCR", "N"), nil, bulkverify.CodeConsentRequired, `consent is "N", not Y`},
		{"consent yes", dvRow("verified-1", "PANCR", "yes"), nil, bulkverify.CodeConsentRequired, `consent is "yes", not Y`},
		{"consent 1", dvRow("verified-1", "PANCR", "1"), nil, bulkverify.CodeConsentRequired, "record it and submit the row with consent Y"},
		{"an empty consent", dvRow("verified-1", "PANCR", ""), nil, bulkverify.CodeConsentRequired, "consent is empty, not Y"},
		{"no client id configured", dvRow("verified-1", "PANCR", "Y"), func(c *Config) { c.ClientID = " " }, bulkverify.CodeTokenInvalid, "set BV_DEEPVUE_CLIENT_ID"},
		{"no API key configured", dvRow("verified-1", "PANCR", "Y"), func(c *Config) { c.ClientSecret = "" }, bulkverify.CodeTokenInvalid, "set BV_DEEPVUE_CLIENT_SECRET"},
	}
	for _, tt := range tests {
		t.Run("a row with "+tt.name+" is FAILED "+string(tt.code)+" without a request", func(t *testing.T) {
			var opts []func(*Config)
			if tt.opts != nil {
				opts = append(opts, tt.opts)
			}
			e := newEnv(t, SimConfig{}, opts...)
			res, err := providertest.Verify(t, e.c, tt.row)
			providertest.Final(bulkverify.StatusFailed, tt.code, tt.words).Check(t, res, err)
			if got := e.sim.Stats().Requests; got != 0 {
				t.Errorf("got %d requests to the simulator, want none", got)
			}
		})
	}
}

func TestCheckRowAcceptsGoodRows(t *testing.T) {
	for _, row := range []bulkverify.Row{
		dvRow("verified-1", "PANCR", "Y"),
		dvRow(strings.Repeat("a", MaxTransactionIDLen), "PANCR", "n", ColPurpose, "Loan onboarding (branch 12)"),
		dvRow("verified-1", "PANCR", "", bulkverify.ClaimDocumentNumber, "ABCDE 1234 F"),
	} {
		if got := Spec.Validate(row); got != "" {
			t.Errorf("Validate(%v) got %q, want no problem", row.Fields, got)
		}
	}
}

func TestOddAnswers(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		body       string
		wantStatus int // of a transient error; 0 for a final result
		code       bulkverify.Code
		words      string
	}{
		{"a 200 that is not JSON is transient", 200, "<html>maintenance</html>", 200, "", "unreadable answer"},
		{"a 200 without code or detail is transient", 200, `{"data": []}`, 200, "", "unreadable answer"},
		{"a 200 whose data is not a list is transient", 200, `{"code": 200, "sub_code": "SUCCESS", "data": {"items": []}}`, 200, "", "unreadable answer"},
		{"a 200 whose item has a mime object is transient", 200, `{"code": 200, "data": [{"doctype": "PANCR", "mime": {"type": "pdf"}}]}`, 200, "", "unreadable answer"},
		{"a 200 with the seed's Failed at bank is transient", 200, string(readSeedOnce("error_failed_at_bank.json")), 200, "", MsgFailedAtBank},
		{"a 502 that is not JSON is transient", 502, "Bad Gateway", 502, "", "Bad Gateway"},
		{"a 200 whose code says DUPLICATE_REQUEST is INVALID_ROW", 200, string(readSeedOnce("error_400_duplicate_request.json")), 0, bulkverify.CodeInvalidRow, "HTTP 200 DUPLICATE_REQUEST"},
		{"a 404 from a wrong base URL is UPSTREAM_REJECTED", 404, `{"detail": "Not Found"}`, 0, bulkverify.CodeUpstreamRejected, "check BV_DEEPVUE_BASE_URL"},
		{"a 409 is UPSTREAM_REJECTED", 409, `{"detail": "Conflict"}`, 0, bulkverify.CodeUpstreamRejected, "submitting the row unchanged will fail the same way"},
		{"a 200 without data is DOCUMENT_NOT_FOUND", 200, `{"code": 200, "sub_code": "SUCCESS", "message": "ok"}`, 0, bulkverify.CodeDocumentNotFound, "it holds no issued documents"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newStubEnv(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.status)
				w.Write([]byte(tt.body))
			}))
			res, err := providertest.Verify(t, e.c, dvRow("verified-1", "PANCR", "Y"))
			if tt.wantStatus != 0 {
				if ue := wantTransient(t, err); ue.StatusCode != tt.wantStatus || !strings.Contains(ue.Error(), tt.words) {
					t.Errorf("got %v, want HTTP %d saying %q", err, tt.wantStatus, tt.words)
				}
				return
			}
			status := bulkverify.StatusFailed
			if tt.code == bulkverify.CodeDocumentNotFound {
				status = bulkverify.StatusNotVerified
			}
			providertest.Final(status, tt.code, tt.words).Check(t, res, err)
		})
	}
}

// readSeedOnce returns the body of testdata/name, for tables built before
// a test runs.
func readSeedOnce(name string) []byte {
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		panic(err)
	}
	return b
}

func TestAWrongAPIKeyIsNotRepeated(t *testing.T) {
	const wrong = "wrong-key-1234567890"
	e := newEnv(t, SimConfig{}, func(c *Config) { c.ClientSecret = wrong })
	res, err := providertest.Verify(t, e.c, dvRow("verified-1", "PANCR", "Y"))
	providertest.Final(bulkverify.StatusFailed, bulkverify.CodeTokenInvalid, MsgNotAValidToken).Check(t, res, err)
	if strings.Contains(res.Message, wrong) {
		t.Errorf("got %q, want no API key", res.Message)
	}
}

func TestConcurrentRows(t *testing.T) {
	e := newEnv(t, SimConfig{Faults: simulation.Faults{Latency: time.Millisecond}})
	const n = 64
	kinds := []struct {
		txn  string
		code bulkverify.Code
	}{
		{TxnVerified, bulkverify.CodeOK}, {TxnNoDocument, bulkverify.CodeDocumentNotFound},
		{TxnDuplicate, bulkverify.CodeInvalidRow}, {TxnSessionExpired, CodeSessionExpired},
		{TxnFlaky, bulkverify.CodeOK},
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	flaky := 0
	for i := range n {
		k := kinds[i%len(kinds)]
		if k.txn == TxnFlaky {
			flaky++
		}
		wg.Go(func() {
			row := dvRow(fmt.Sprintf("%s-%04d", k.txn, i), "ADHAR", "Y")
			row.Number = i
			var res bulkverify.Result
			var err error
			for range FlakyFailures + 1 {
				if res, err = e.c.Verify(context.Background(), row); err == nil {
					break
				}
			}
			switch {
			case err != nil:
				errs <- fmt.Errorf("row %d: %v", i, err)
			case res.Code != k.code || res.RowNumber != i:
				errs <- fmt.Errorf("row %d of %s: got row %d %s, want %s", i, k.txn, res.RowNumber, res.Code, k.code)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got, want := e.sim.Stats().Requests, int64(n+FlakyFailures*flaky); got != want {
		t.Errorf("got %d requests, want %d: one a row, and %d more for each flaky row", got, want, FlakyFailures)
	}
}
