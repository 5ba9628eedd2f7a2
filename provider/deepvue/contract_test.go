package deepvue

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify/provider/providertest"
	"github.com/bulkverify/bulkverify/provider/simulation"
)

// dropField serves h after deleting field from the request body: a request
// the adapter would never send, to meet the answer to it.
func dropField(h http.Handler, field string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		json.NewDecoder(r.Body).Decode(&body)
		delete(body, field)
		b, _ := json.Marshal(body)
		r.Body = io.NopCloser(bytes.NewReader(b))
		h.ServeHTTP(w, r)
	})
}

// dropHeader serves h after deleting header from the request.
func dropHeader(h http.Handler, header string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Del(header)
		h.ServeHTTP(w, r)
	})
}

// contracts make the simulator give each of ErrorAnswers to a row, and say
// what the adapter's message (or a transient error's reason) must hold.
var contracts = []struct {
	status   int
	text     string // the answer's text, as ErrorAnswer.Body.text() gives it
	name     string
	seedFile string // the seed's body of the answer, whose keys it must have
	txn      string
	secret   string // the client's API key; "" means testSecret
	faults   simulation.Faults
	wrap     func(http.Handler) http.Handler
	words    string
}{
	{status: 400, text: "DUPLICATE_REQUEST: " + MsgDuplicate, name: "a used transaction id", seedFile: "error_400_duplicate_request.json",
		txn: "duplicate-0001", words: `initial_deepvue_transaction_id "duplicate-0001" (HTTP 400 DUPLICATE_REQUEST: Invalid Initial Deepvue Transaction id.)`},
	{status: 400, text: "DUPLICATE_REQUEST: " + MsgDuplicate, name: "a transaction id Deepvue does not know", seedFile: "error_400_duplicate_request.json",
		txn: "5a0e7c1d9b3f4e2a8c6d0b1f3e5a7c9d", words: "it is unknown or already used"},
	{status: 401, text: "SESSION_EXPIRED: " + MsgSessionExpired, name: "an expired session", seedFile: "error_401_session_expired.json",
		txn: "expired-0001", words: "the person must open a new DigiLocker session"},
	{status: 401, text: MsgNotAValidToken, name: "a wrong API key", seedFile: "error_not_a_valid_token.json",
		txn: "verified-0001", secret: "wrong-api-key-00000000", words: "check BV_DEEPVUE_CLIENT_ID and BV_DEEPVUE_CLIENT_SECRET"},
	{status: 403, text: MsgNotAValidToken, name: "a key not entitled to DigiLocker", seedFile: "error_not_a_valid_token.json",
		txn: "forbidden-0001", words: "HTTP 403 Not a valid token"},
	{status: 403, text: MsgNotAuthenticated, name: "a request without x-api-key",
		txn: "verified-0001", wrap: func(h http.Handler) http.Handler { return dropHeader(h, "x-api-key") }, words: "HTTP 403 Not authenticated"},
	{status: 422, name: "a body without purpose", seedFile: "error_422_validation.json",
		txn: "verified-0001", wrap: func(h http.Handler) http.Handler { return dropField(h, "purpose") }, words: "HTTP 422 purpose: field required"},
	{status: 500, text: MsgFailedAtBank, name: "a bank that fails", seedFile: "error_failed_at_bank.json",
		txn: "bankfailure-0001", words: MsgFailedAtBank},
	{status: 429, text: MsgTooManyRequests, name: "a throttled transaction", txn: "throttled-0001", words: MsgTooManyRequests},
	{status: 503, text: MsgUnavailable, name: "a transaction whose service is down", txn: "down-0001", words: MsgUnavailable},
	{status: 500, text: MsgInternalError, name: "an injected server error", txn: "verified-0001",
		faults: simulation.Faults{ErrorRate: 1}, words: MsgInternalError},
}

var hex32 = regexp.MustCompile(`^[0-9a-f]{32}$`)

func TestErrorAnswers(t *testing.T) {
	for _, tt := range contracts {
		want := errorAnswer(t, tt.status, tt.text)
		t.Run("Deepvue answers "+tt.name+" "+http.StatusText(tt.status)+" and the adapter maps it as documented", func(t *testing.T) {
			sim := NewSimulator(SimConfig{ClientID: testClientID, ClientSecret: testSecret, Faults: tt.faults})
			var h http.Handler = sim
			if tt.wrap != nil {
				h = tt.wrap(sim)
			}
			e := newStubEnv(t, h, func(c *Config) {
				if tt.secret != "" {
					c.ClientSecret = tt.secret
				}
			})
			res, err := providertest.Verify(t, e.c, dvRow(tt.txn, "PANCR", "Y"))

			calls := e.rec.Exchanges("/")
			if len(calls) != 1 {
				t.Fatalf("got %d requests, want 1", len(calls))
			}
			wantAnswer(t, calls[0], want, tt.seedFile)

			if want.Outcome.Transient {
				ue := wantTransient(t, err)
				if ue.StatusCode != tt.status || !strings.Contains(ue.Reason, tt.words) {
					t.Errorf("got HTTP %d %q, want HTTP %d %q", ue.StatusCode, ue.Reason, tt.status, tt.words)
				}
				return
			}
			providertest.Final(want.Outcome.Status, want.Outcome.Code, tt.words).Check(t, res, err)
		})
	}
}

// wantAnswer checks that c's answer is a: its status, its body's text, its
// keys those of the seed's body in seedFile, an envelope's transaction_id
// 32 hex digits and its timestamp null, as in the seed.
func wantAnswer(t *testing.T, c providertest.Exchange, a ErrorAnswer, seedFile string) {
	t.Helper()
	var got Response
	if err := json.Unmarshal(c.Answer(), &got); err != nil {
		t.Fatalf("got an undecodable answer %s (%v), want JSON", c.Answer(), err)
	}
	if c.Status != a.Status {
		t.Errorf("got HTTP %d, want %d", c.Status, a.Status)
	}
	if a.Status != http.StatusUnprocessableEntity && got.text() != a.Body.text() {
		t.Errorf("got answer %q, want %q", got.text(), a.Body.text())
	}
	if a.Status == http.StatusUnprocessableEntity && (len(got.Detail.Errors) == 0 || got.envelope()) {
		t.Errorf("got %s, want a detail list alone", c.Answer())
	}
	if got.envelope() && (!hex32.MatchString(got.TransactionID) || string(got.Timestamp) != "null") {
		t.Errorf("got transaction_id %q timestamp %s, want 32 hex digits and null", got.TransactionID, got.Timestamp)
	}
	if a.Body.Code != nil && (got.Code == nil || *got.Code != *a.Body.Code) {
		t.Errorf("got code %v, want %d", got.Code, *a.Body.Code)
	}
	if seedFile != "" {
		if g, w := keysOf(t, c.Answer()), keysOf(t, readSeed(t, seedFile)); !slices.Equal(g, w) {
			t.Errorf("got keys %v, want the seed's %v", g, w)
		}
	}
}

// keysOf returns the sorted keys of a JSON object.
func keysOf(t *testing.T, b []byte) []string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("got %s (%v), want a JSON object", b, err)
	}
	return slices.Sorted(maps.Keys(m))
}

// answerKey names an error answer by its status and text; a 422 by its
// status alone, its detail list being the simulator's.
func answerKey(status int, text string) string {
	if status == http.StatusUnprocessableEntity {
		text = "with a detail list"
	}
	return fmt.Sprintf("HTTP %d %q", status, text)
}

// errorAnswer returns the ErrorAnswers entry of status and text.
func errorAnswer(t *testing.T, status int, text string) ErrorAnswer {
	t.Helper()
	keyOf := func(e ErrorAnswer) string { return answerKey(e.Status, e.Body.text()) }
	return providertest.Find(t, ErrorAnswers, answerKey(status, text), keyOf)
}

func TestEveryErrorAnswerHasAContract(t *testing.T) {
	var met, answers []string
	for _, c := range contracts {
		met = append(met, answerKey(c.status, c.text))
	}
	for _, e := range ErrorAnswers {
		answers = append(answers, answerKey(e.Status, e.Body.text()))
	}
	providertest.Covered(t, "error answer", answers, met)
}

func TestSimulatorAnswersTheSeedsSample(t *testing.T) {
	e := newEnv(t, SimConfig{})
	res, err := providertest.Verify(t, e.c, dvRow(TxnSample+"-0001", "string", "Y"))
	providertest.Verified.Check(t, res, err)
	c := e.rec.Exchanges("/")[0]
	seed := readSeed(t, "issued_files_200.json")
	if g, w := keysOf(t, c.Answer()), keysOf(t, seed); c.Status != 200 || !slices.Equal(g, w) {
		t.Errorf("got HTTP %d keys %v, want 200 and the seed's %v", c.Status, g, w)
	}
	var got, want map[string]any
	json.Unmarshal(c.Answer(), &got)
	json.Unmarshal(seed, &want)
	if !hex32.MatchString(got["transaction_id"].(string)) {
		t.Errorf("got transaction_id %v, want 32 hex digits", got["transaction_id"])
	}
	delete(got, "transaction_id")
	delete(want, "transaction_id")
	if g, w := mustJSON(t, got), mustJSON(t, want); g != w {
		t.Errorf("got answer %s, want the seed's %s", g, w)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// post sends body to sim with headers (name, value pairs) and returns the
// status, the Retry-After header and the decoded answer.
func post(t *testing.T, sim http.Handler, body string, headers ...string) (int, string, Response) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, Path, strings.NewReader(body))
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	sim.ServeHTTP(rec, req)
	var r Response
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
		t.Fatalf("got undecodable answer %q (%v), want JSON", rec.Body, err)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("got Content-Type %q, want application/json", ct)
	}
	return rec.Code, rec.Header().Get("Retry-After"), r
}

func TestSimulatorRejectsBadRequests(t *testing.T) {
	good := `{"consent": "Y", "purpose": "KYC", "initial_deepvue_transaction_id": "verified-1"}`
	creds := []string{"client-id", testClientID, "x-api-key", testSecret}
	tests := []struct {
		name    string
		body    string
		headers []string
		status  int
		text    string
	}{
		{"a request without headers is not authenticated", good, nil, 403, MsgNotAuthenticated},
		{"a request without client-id is not authenticated", good, []string{"x-api-key", testSecret}, 403, MsgNotAuthenticated},
		{"a wrong API key is not a valid token", good, []string{"client-id", testClientID, "x-api-key", "nope-nope-nope"}, 401, MsgNotAValidToken},
		{"a wrong client id is not a valid token", good, []string{"client-id", "other-client", "x-api-key", testSecret}, 401, MsgNotAValidToken},
		{"a body that is not JSON is refused", "consent=Y", creds, 422, "body: value is not a valid dict"},
		{"a body that is a list is refused", `["Y"]`, creds, 422, "body: value is not a valid dict"},
		{"every missing field is named", `{"consent": "Y"}`, creds, 422, "purpose: field required; initial_deepvue_transaction_id: field required"},
		{"a field that is not a string is refused", `{"consent": "Y", "purpose": 7, "initial_deepvue_transaction_id": "verified-1"}`, creds, 422, "purpose: str type expected"},
		{"a null field is missing", `{"consent": "Y", "purpose": null, "initial_deepvue_transaction_id": "verified-1"}`, creds, 422, "purpose: field required"},
		{"consent other than Y is refused", `{"consent": "N", "purpose": "KYC", "initial_deepvue_transaction_id": "verified-1"}`, creds, 422, "consent: consent must be Y"},
		{"consent y in lower case is accepted", `{"consent": "y", "purpose": "KYC", "initial_deepvue_transaction_id": "verified-1"}`, creds, 200, "SUCCESS: " + MsgIssuedFiles},
		{"a good request is answered", good, creds, 200, "SUCCESS: " + MsgIssuedFiles},
	}
	sim := NewSimulator(SimConfig{ClientID: testClientID, ClientSecret: testSecret})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, _, got := post(t, sim, tt.body, tt.headers...)
			if status != tt.status || got.text() != tt.text {
				t.Errorf("got HTTP %d %q, want HTTP %d %q", status, got.text(), tt.status, tt.text)
			}
		})
	}
	t.Run("a GET is not allowed", func(t *testing.T) {
		rec := httptest.NewRecorder()
		req, _ := http.NewRequest(http.MethodGet, Path, nil)
		sim.ServeHTTP(rec, req)
		if rec.Code != http.StatusMethodNotAllowed {
			t.Errorf("got HTTP %d, want 405", rec.Code)
		}
	})
	t.Run("a simulator without credentials accepts any", func(t *testing.T) {
		status, _, got := post(t, NewSimulator(SimConfig{}), good, "client-id", "anyone", "x-api-key", "anything")
		if status != 200 {
			t.Errorf("got HTTP %d %q, want 200", status, got.text())
		}
	})
}

func TestSimulatorFaultsUseDetailBodies(t *testing.T) {
	tests := []struct {
		name, text, retryAfter string
		faults                 simulation.Faults
		status                 int
	}{
		{"an injected 500 says Internal Server Error", MsgInternalError, "", simulation.Faults{ErrorRate: 1}, 500},
		{"an injected 502 says Internal Server Error", MsgInternalError, "", simulation.Faults{ErrorRate: 1, ErrorStatus: 502}, 502},
		{"an injected 503 says Service Unavailable", MsgUnavailable, "", simulation.Faults{ErrorRate: 1, ErrorStatus: 503}, 503},
		{"an injected 429 says Too Many Requests with its Retry-After", MsgTooManyRequests, "2", simulation.Faults{TooManyRate: 1, RetryAfter: 2 * time.Second}, 429},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sim := NewSimulator(SimConfig{Faults: tt.faults})
			status, retryAfter, got := post(t, sim, `{}`)
			if status != tt.status || got.text() != tt.text || got.envelope() || retryAfter != tt.retryAfter {
				t.Errorf("got HTTP %d %q Retry-After %q, want HTTP %d {\"detail\": %q} Retry-After %q", status, got.text(), retryAfter, tt.status, tt.text, tt.retryAfter)
			}
		})
	}
}

func TestSimulatorTransactionIDsAreStable(t *testing.T) {
	a, b := simTransactionID("verified-1", 1), simTransactionID("verified-1", 2)
	if a != simTransactionID("verified-1", 1) || a == b || a == simTransactionID("verified-2", 1) {
		t.Errorf("got %s, %s: want the same id for the same request and another for any other", a, b)
	}
	if !hex32.MatchString(a) {
		t.Errorf("got %q, want 32 hex digits like Deepvue's", a)
	}
}
