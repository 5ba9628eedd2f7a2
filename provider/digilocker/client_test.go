package digilocker

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/simulation"
)

const panURI = "in.gov.pan-PANCR-ABCDE1234F"

// outcome is what a test expects of Verify: a result, or a transient error
// with an HTTP status and upstream code.
type outcome struct {
	status    bulkverify.Status
	code      bulkverify.Code
	httpCode  int    // transient: the UpstreamError's status
	reason    string // transient: the upstream code the Reason starts with
	op        string // transient: the UpstreamError's Op
	evidence  bool   // verified: the PANCR's evidence is filled in
	docFields bool   // the PANCR's type, uri and issuer are filled in
}

func (w outcome) check(t *testing.T, res bulkverify.Result, err error) {
	t.Helper()
	if w.httpCode != 0 {
		ue := upstreamError(t, err)
		if ue.StatusCode != w.httpCode || !strings.HasPrefix(ue.Reason, w.reason) || ue.Op != w.op {
			t.Errorf("got UpstreamError{Op %q, HTTP %d, Reason %q}, want {Op %q, HTTP %d, Reason %s...}", ue.Op, ue.StatusCode, ue.Reason, w.op, w.httpCode, w.reason)
		}
		if ue.Provider != bulkverify.ProviderDigiLocker {
			t.Errorf("got provider %q, want %q", ue.Provider, bulkverify.ProviderDigiLocker)
		}
		return
	}
	if err != nil {
		t.Fatalf("got error %v, want a result %s/%s", err, w.status, w.code)
	}
	if res.Status != w.status || res.Code != w.code {
		t.Fatalf("got %s/%s (%s), want %s/%s", res.Status, res.Code, res.Message, w.status, w.code)
	}
	if res.Retryable {
		t.Errorf("got retryable true, want false: submitting the row again cannot help")
	}
	if res.RowNumber != 7 || res.ReferenceID != "ref-7" {
		t.Errorf("got row %d reference %q, want 7 and ref-7", res.RowNumber, res.ReferenceID)
	}
	if res.Message == "" {
		t.Error("got an empty message, want one that says what happened")
	}
	switch {
	case w.evidence:
		wantEvidence(t, res, "PANCR", panURI, "Income Tax Department")
	case w.docFields:
		if res.DocumentType != "PANCR" || res.DocumentID != panURI || res.Issuer != "Income Tax Department" {
			t.Errorf("got document %q %q %q, want PANCR %s Income Tax Department", res.DocumentType, res.DocumentID, res.Issuer, panURI)
		}
	}
}

var (
	verified = outcome{status: bulkverify.StatusVerified, code: bulkverify.CodeOK, evidence: true}
	notFound = outcome{status: bulkverify.StatusNotVerified, code: bulkverify.CodeDocumentNotFound}
)

func fileDown(status int, code string) outcome {
	return outcome{httpCode: status, reason: code, op: OpFile}
}

// accountCases are the outcomes of a PANCR row of each account.
var accountCases = []struct {
	account string
	person  bool // the row gives name and dob
	want    outcome
}{
	{AccountVerified, true, verified},
	{AccountVerified, false, verified},
	{AccountMissing, true, notFound},
	{AccountTampered, true, outcome{status: bulkverify.StatusNotVerified, code: bulkverify.CodeIntegrityFailed, evidence: true}},
	{AccountInvalid, true, outcome{status: bulkverify.StatusFailed, code: bulkverify.CodeTokenInvalid}},
	{AccountInvalid, false, outcome{status: bulkverify.StatusFailed, code: bulkverify.CodeTokenInvalid}},
	{AccountNoScope, true, outcome{status: bulkverify.StatusFailed, code: bulkverify.CodeConsentRequired, docFields: true}},
	{AccountGone, true, outcome{status: bulkverify.StatusNotVerified, code: bulkverify.CodeDocumentNotFound, docFields: true}},
	{AccountFlaky, true, fileDown(500, "repository_service_unresponsive")},
	{AccountDown, true, fileDown(503, "repository_service_inactive")},
	{AccountPartner, true, outcome{httpCode: 500, reason: "partner_service_unresponsive", op: OpIssued}},
	{AccountUnpublished, true, fileDown(503, "repository_service_unpublished")},
	{AccountConfigError, true, fileDown(500, "repository_service_configerror")},
	{AccountRespError, true, fileDown(500, "repository_service_resperror")},
	{AccountException, true, fileDown(500, "repository_service_exception")},
	{AccountUnresponsive, true, fileDown(500, "repository_service_unresponsive")},
	{AccountURIMissing, true, outcome{status: bulkverify.StatusFailed, code: bulkverify.CodeUpstreamRejected, docFields: true}},
	{AccountUserScope, true, outcome{status: bulkverify.StatusFailed, code: bulkverify.CodeConsentRequired}},
	{AccountUserScope, false, verified},
	{AccountUserError, true, outcome{httpCode: 500, reason: "unexpected_error", op: OpUser}},
	{AccountUserError, false, verified},
	{AccountListError, true, outcome{httpCode: 500, reason: "unexpected_error", op: OpIssued}},
	{"nobody", true, outcome{status: bulkverify.StatusFailed, code: bulkverify.CodeTokenInvalid}},
}

func TestVerifyEveryAccount(t *testing.T) {
	for _, tt := range accountCases {
		name := "a PANCR row of account " + tt.account
		if tt.person {
			name += " with name and dob"
		}
		want := string(tt.want.status) + " " + string(tt.want.code)
		if tt.want.httpCode != 0 {
			want = fmt.Sprintf("transient HTTP %d", tt.want.httpCode)
		}
		t.Run(name+" is "+want, func(t *testing.T) {
			_, c := newSimClient(t, simulation.Faults{})
			row := newRow("access_token", tt.account+"-000123", "doctype", "PANCR")
			if tt.person {
				row.Fields["name"], row.Fields["dob"] = "Sunil Kumar", "31121970"
			}
			res, err := verify(t, c, row)
			tt.want.check(t, res, err)
		})
	}
}

func TestEveryAccountHasACase(t *testing.T) {
	tested := map[string]bool{}
	for _, c := range accountCases {
		tested[c.account] = true
	}
	for _, a := range AccountNames() {
		if !tested[a] {
			t.Errorf("got account %s without a case in accountCases, want every account tested", a)
		}
	}
}

func TestFlakyAccountClearsOnRetry(t *testing.T) {
	_, c := newSimClient(t, simulation.Faults{})
	for _, token := range []string{"flaky-0001", "flaky-0002"} {
		row := newRow("access_token", token, "doctype", "PANCR")
		_, err := verify(t, c, row)
		if ue := upstreamError(t, err); ue.StatusCode != 500 {
			t.Fatalf("%s first try: got HTTP %d, want 500", token, ue.StatusCode)
		}
		res, err := verify(t, c, row)
		if err != nil || res.Code != bulkverify.CodeOK {
			t.Fatalf("%s second try: got %s, %v, want OK", token, res.Code, err)
		}
		wantEvidence(t, res, "PANCR", panURI, "Income Tax Department")
	}
}

func TestNameAndDOB(t *testing.T) {
	tests := []struct {
		name, given, dob string
		want             bulkverify.Code
	}{
		{"the exact name verifies", "Sunil Kumar", "", bulkverify.CodeOK},
		{"an initial verifies", "S. Kumar", "", bulkverify.CodeOK},
		{"an initial without a dot verifies", "S Kumar", "", bulkverify.CodeOK},
		{"case and spacing are ignored", "  sunil   KUMAR", "", bulkverify.CodeOK},
		{"another first name is a name mismatch", "Ajit Kumar", "", bulkverify.CodeNameMismatch},
		{"a missing surname is a name mismatch", "Sunil", "", bulkverify.CodeNameMismatch},
		{"the exact dob verifies", "", "31121970", bulkverify.CodeOK},
		{"another dob is a dob mismatch", "", "30121970", bulkverify.CodeDOBMismatch},
		{"a good name with another dob is a dob mismatch", "S. Kumar", "01011970", bulkverify.CodeDOBMismatch},
		{"a wrong name and dob report the name", "Ajit Kumar", "01011970", bulkverify.CodeNameMismatch},
	}
	_, c := newSimClient(t, simulation.Faults{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			row := newRow("access_token", "verified-0042", "doctype", "PANCR", "name", tt.given, "dob", tt.dob)
			res, err := verify(t, c, row)
			if err != nil {
				t.Fatal(err)
			}
			if res.Code != tt.want {
				t.Errorf("got %s (%s), want %s", res.Code, res.Message, tt.want)
			}
			if wantStatus := bulkverify.StatusNotVerified; tt.want != bulkverify.CodeOK && res.Status != wantStatus {
				t.Errorf("got status %s, want %s", res.Status, wantStatus)
			}
		})
	}
}

func TestDocumentChoice(t *testing.T) {
	tests := []struct {
		name, token, doctype, uri string
		want                      bulkverify.Code
		wantDoc                   string // the DocumentID, or words the message must hold
	}{
		{"a doctype is matched whatever its case", "verified-1", "pancr", "", bulkverify.CodeOK, panURI},
		{"a given uri picks its document", "verified-1", "INCER", "in.gov.delhi-INCER-98765432", bulkverify.CodeOK, "in.gov.delhi-INCER-98765432"},
		{"a document whose uri has a leading space is found by doctype", "verified-1", "INCER", "", bulkverify.CodeOK, "in.gov.delhi-INCER-98765432"},
		{"the HSCER of the spec's sample is found", "missing-1", "HSCER", "", bulkverify.CodeOK, "in.gov.cbse-HSCER-201412345678"},
		{"a doctype the locker lacks names what it holds", "missing-1", "PANCR", "", bulkverify.CodeDocumentNotFound, "no issued PANCR document (it holds only HSCER)"},
		{"a uri the locker lacks is not found", "verified-1", "PANCR", "in.gov.pan-PANCR-ZZZZZ9999Z", bulkverify.CodeDocumentNotFound, `URI "in.gov.pan-PANCR-ZZZZZ9999Z"`},
		{"a uri of another doctype is not found", "verified-1", "PANCR", "in.gov.cbse-HSCER-201412345678", bulkverify.CodeDocumentNotFound, "is a HSCER, not a PANCR"},
	}
	_, c := newSimClient(t, simulation.Faults{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := verify(t, c, newRow("access_token", tt.token, "doctype", tt.doctype, "uri", tt.uri))
			if err != nil {
				t.Fatal(err)
			}
			if res.Code != tt.want {
				t.Fatalf("got %s (%s), want %s", res.Code, res.Message, tt.want)
			}
			if tt.want == bulkverify.CodeOK && res.DocumentID != tt.wantDoc {
				t.Errorf("got document %q, want %q", res.DocumentID, tt.wantDoc)
			}
			if tt.want != bulkverify.CodeOK && !strings.Contains(res.Message, tt.wantDoc) {
				t.Errorf("got message %q, want it to say %q", res.Message, tt.wantDoc)
			}
		})
	}
}

func TestInvalidRowsMakeNoRequest(t *testing.T) {
	tests := []struct {
		name string
		row  bulkverify.Row
	}{
		{"a row without an access token is invalid", newRow("access_token", "", "doctype", "PANCR")},
		{"a row without a doctype is invalid", newRow("access_token", "verified-1")},
		{"a row with a dob not in DDMMYYYY is invalid", newRow("access_token", "verified-1", "doctype", "PANCR", "dob", "1970-12-31")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sim, c := newSimClient(t, simulation.Faults{})
			res, err := verify(t, c, tt.row)
			if err != nil || res.Status != bulkverify.StatusFailed || res.Code != bulkverify.CodeInvalidRow || res.Retryable {
				t.Errorf("got %s/%s retryable %v, %v, want FAILED/INVALID_ROW not retryable", res.Status, res.Code, res.Retryable, err)
			}
			if n := sim.Stats().Requests; n != 0 {
				t.Errorf("got %d requests to DigiLocker, want 0", n)
			}
		})
	}
}

// fileStub serves the simulator but answers file requests with h.
func fileStub(h http.HandlerFunc) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", NewSimulator(SimConfig{ClientSecret: testSecret}))
	mux.Handle("GET /oauth2/1/file/", h)
	return mux
}

func TestIntegrity(t *testing.T) {
	body := SimFile(panURI)
	sign := NewSimulator(SimConfig{ClientSecret: testSecret}).sign
	tests := []struct {
		name    string
		max     int64
		handler http.HandlerFunc
		want    bulkverify.Code
		words   string
	}{
		{"a file without an hmac header fails integrity", 0, func(w http.ResponseWriter, r *http.Request) {
			w.Write(body)
		}, bulkverify.CodeIntegrityFailed, "without an hmac header"},
		{"an hmac that is not Base64 fails integrity", 0, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("hmac", "not base64!")
			w.Write(body)
		}, bulkverify.CodeIntegrityFailed, "does not match its hmac header"},
		{"an hmac keyed by another secret fails integrity", 0, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("hmac", NewSimulator(SimConfig{ClientSecret: "other"}).sign(body))
			w.Write(body)
		}, bulkverify.CodeIntegrityFailed, "client secret"},
		{"an unpadded Base64 hmac verifies", 0, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("hmac", strings.TrimRight(sign(body), "="))
			w.Write(body)
		}, bulkverify.CodeOK, "matches its hmac header"},
		{"a file announced past the limit is not read", 100, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("hmac", sign(body))
			w.Write(body)
		}, bulkverify.CodeIntegrityFailed, fmt.Sprintf("larger than the 100-byte limit (at least %d bytes)", len(body))},
		{"a streamed file past the limit is cut off", 100, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("hmac", sign(body))
			w.(http.Flusher).Flush() // no Content-Length: chunked
			w.Write(body)
		}, bulkverify.CodeIntegrityFailed, "at least 101 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newTestClient(t, fileStub(tt.handler))
			if tt.max > 0 {
				c.maxFile = tt.max
			}
			res, err := verify(t, c, newRow("access_token", "verified-1", "doctype", "PANCR"))
			if err != nil {
				t.Fatal(err)
			}
			if res.Code != tt.want || !strings.Contains(res.Message, tt.words) {
				t.Errorf("got %s %q, want %s saying %q", res.Code, res.Message, tt.want, tt.words)
			}
		})
	}
}

func TestRetryAfterReachesTheUpstreamError(t *testing.T) {
	t.Run("an injected 429 carries its Retry-After seconds", func(t *testing.T) {
		_, c := newSimClient(t, simulation.Faults{TooManyRate: 1, RetryAfter: 7 * time.Second})
		_, err := verify(t, c, newRow("access_token", "verified-1", "doctype", "PANCR"))
		ue := upstreamError(t, err)
		if ue.StatusCode != 429 || ue.RetryAfter() != 7*time.Second || !strings.HasPrefix(ue.Reason, "too_many_requests") {
			t.Errorf("got HTTP %d wait %v reason %q, want 429, 7s, too_many_requests", ue.StatusCode, ue.RetryAfter(), ue.Reason)
		}
	})
	t.Run("a 429 with an HTTP date waits until that date", func(t *testing.T) {
		c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", testNow.Add(90*time.Second).UTC().Format(http.TimeFormat))
			w.WriteHeader(http.StatusTooManyRequests)
		}))
		_, err := verify(t, c, newRow("access_token", "verified-1", "doctype", "PANCR"))
		if ue := upstreamError(t, err); ue.StatusCode != 429 || ue.Wait != 90*time.Second {
			t.Errorf("got HTTP %d wait %v, want 429 and 1m30s", ue.StatusCode, ue.Wait)
		}
	})
	t.Run("the simulator's own rate limit throttles with Retry-After", func(t *testing.T) {
		now := testNow
		sim, c := newSimClient(t, simulation.Faults{RateLimit: 1, Burst: 2, Now: func() time.Time { return now }})
		res, err := verify(t, c, newRow("access_token", "verified-1", "doctype", "PANCR")) // two requests: list, file
		if err != nil || res.Code != bulkverify.CodeOK {
			t.Fatalf("got %s, %v, want OK within the burst", res.Code, err)
		}
		_, err = verify(t, c, newRow("access_token", "verified-1", "doctype", "PANCR"))
		if ue := upstreamError(t, err); ue.StatusCode != 429 || ue.Wait != time.Second || ue.Op != OpIssued {
			t.Errorf("got %s HTTP %d wait %v, want list issued documents HTTP 429 wait 1s", ue.Op, ue.StatusCode, ue.Wait)
		}
		if got := sim.Stats(); got.Requests != 3 || got.Throttled != 1 || got.OK != 2 {
			t.Errorf("got stats %+v, want 3 requests, 2 OK, 1 throttled", got)
		}
	})
}

func TestInjectedServerErrorsAreTransient(t *testing.T) {
	_, c := newSimClient(t, simulation.Faults{ErrorRate: 1, ErrorStatus: 502})
	_, err := verify(t, c, newRow("access_token", "verified-1", "doctype", "PANCR", "name", "Sunil Kumar"))
	if ue := upstreamError(t, err); ue.StatusCode != 502 || ue.Op != OpUser || !strings.HasPrefix(ue.Reason, "unexpected_error") {
		t.Errorf("got %s HTTP %d %q, want get user details HTTP 502 unexpected_error", ue.Op, ue.StatusCode, ue.Reason)
	}
}

func TestNoAnswerIsTransient(t *testing.T) {
	t.Run("a refused connection is an UpstreamError without status", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		srv.Close()
		c := New(Config{BaseURL: srv.URL, ClientSecret: testSecret})
		_, err := verify(t, c, newRow("access_token", "verified-1", "doctype", "PANCR"))
		if ue := upstreamError(t, err); ue.StatusCode != 0 || ue.Op != OpIssued || ue.Err == nil {
			t.Errorf("got %s HTTP %d err %v, want list issued documents, no status, a cause", ue.Op, ue.StatusCode, ue.Err)
		}
	})
	t.Run("a cancelled context stops the row and says so", func(t *testing.T) {
		_, c := newSimClient(t, simulation.Faults{})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := c.Verify(ctx, newRow("access_token", "verified-1", "doctype", "PANCR"))
		upstreamError(t, err)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want it to wrap context.Canceled", err)
		}
	})
	t.Run("a slow upstream is cut off by the context deadline", func(t *testing.T) {
		_, c := newSimClient(t, simulation.Faults{Latency: time.Hour})
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		_, err := c.Verify(ctx, newRow("access_token", "verified-1", "doctype", "PANCR"))
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("got %v, want it to wrap context.DeadlineExceeded", err)
		}
	})
}

func TestSecretsStayOutOfMessagesAndErrors(t *testing.T) {
	check := func(t *testing.T, token string, res bulkverify.Result, err error) {
		t.Helper()
		for _, s := range []string{token, testSecret} {
			if strings.Contains(res.Message, s) {
				t.Errorf("got message %q, want it without %q", res.Message, s)
			}
			if err != nil && strings.Contains(err.Error(), s) {
				t.Errorf("got error %q, want it without %q", err, s)
			}
		}
	}
	_, c := newSimClient(t, simulation.Faults{})
	for _, account := range append(AccountNames(), "nobody") {
		t.Run("account "+account+" leaks no secret", func(t *testing.T) {
			token := account + "-0001-9f8e7d6c5b4a"
			for _, row := range []bulkverify.Row{
				newRow("access_token", token, "doctype", "PANCR", "name", "Sunil Kumar", "dob", "31121970"),
				newRow("access_token", token, "doctype", "PANCR", "name", "Ajit Kumar", "uri", token),
				newRow("access_token", token, "doctype", "INCER"),
			} {
				res, err := verify(t, c, row)
				check(t, token, res, err)
			}
		})
	}
	t.Run("an upstream that echoes the token and secret is redacted", func(t *testing.T) {
		const token = "verified-echo-5e4d3c2b1a"
		c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			status := http.StatusBadRequest
			if r.URL.Path == "/oauth2/2/files/issued" {
				status = http.StatusServiceUnavailable
			}
			writeErrorBody(w, status, "bad_thing", "token "+strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")+" secret "+testSecret)
		}))
		res, err := verify(t, c, newRow("access_token", token, "doctype", "PANCR", "name", "Sunil Kumar"))
		if res.Code != bulkverify.CodeUpstreamRejected || !strings.Contains(res.Message, "[redacted]") {
			t.Errorf("got %s %q, want UPSTREAM_REJECTED with the echo redacted", res.Code, res.Message)
		}
		check(t, token, res, err)
		_, err = verify(t, c, newRow("access_token", token, "doctype", "PANCR"))
		if ue := upstreamError(t, err); !strings.Contains(ue.Reason, "[redacted]") {
			t.Errorf("got reason %q, want the echo redacted", ue.Reason)
		}
		check(t, token, bulkverify.Result{}, err)
	})
}

// An error answer whose body is cut off on the way: a 401 is still the
// token (issue 12 saw it reported UPSTREAM_REJECTED); any other status is
// asked again, since only the whole body says what it meant.
func TestAnswersCutOff(t *testing.T) {
	sim := NewSimulator(SimConfig{ClientSecret: testSecret})
	cut := (&simulation.Faults{TruncateRate: 1}).Wrap(sim)
	// Only the file answers are cut, so that the list gets through.
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "/file/") || strings.HasPrefix(r.Header.Get("Authorization"), "Bearer invalid-") {
			cut.ServeHTTP(w, r)
			return
		}
		sim.ServeHTTP(w, r)
	}))
	tests := []struct {
		name  string
		token string
		want  outcome
	}{
		{"a 401 cut off is TOKEN_INVALID", "invalid-1", outcome{status: bulkverify.StatusFailed, code: bulkverify.CodeTokenInvalid}},
		{"a 403 cut off is asked again", "noscope-1", outcome{httpCode: 403, reason: "answer cut off", op: OpFile}},
		{"a 404 cut off is asked again", "gone-1", outcome{httpCode: 404, reason: "answer cut off", op: OpFile}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := verify(t, c, newRow("access_token", tt.token, "doctype", "PANCR"))
			tt.want.check(t, res, err)
		})
	}
}
