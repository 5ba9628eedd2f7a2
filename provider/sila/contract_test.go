package sila

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify/provider/providertest"
	"github.com/bulkverify/bulkverify/provider/simulation"
)

// rewriteBody serves h after setting field of the request body to value:
// a request the adapter would never send, to meet the answer to it.
func rewriteBody(h http.Handler, field string, value any) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		json.NewDecoder(r.Body).Decode(&body)
		body[field] = value
		b, _ := json.Marshal(body)
		r.Body = io.NopCloser(bytes.NewReader(b))
		h.ServeHTTP(w, r)
	})
}

// contracts make the simulator give each of ErrorAnswers to a row, and say
// which words the adapter's message must hold.
var contracts = []struct {
	status   int
	message  string
	name     string
	token    string // the client's access token; "" means testToken
	app      string // the client's app handle; "" means testApp
	handle   string
	docTypes string
	faults   simulation.Faults
	wrap     func(http.Handler) http.Handler
	words    string
}{
	{status: 400, message: MsgInvalidDocTypes, name: "a doc type Sila does not know", handle: "complete-1", docTypes: "id_passport|selfie",
		words: "invalid doc type: selfie"},
	{status: 400, message: MsgBadRequest, name: "a date in another form", handle: "complete-1", docTypes: "id_passport",
		wrap: func(h http.Handler) http.Handler { return rewriteBody(h, "start_date", "2020/01/01") }, words: "start_date: must be an ISO-8601 date"},
	{status: 400, message: MsgAppHandle, name: "another app's handle", app: "other.silamoney.eth", handle: "complete-1", docTypes: "id_passport",
		words: "BV_SILA_APP_HANDLE"},
	{status: 401, message: MsgBadToken, name: "a wrong access token", token: "wrong-token-7f6e5d4c3b2a", handle: "complete-1", docTypes: "id_passport",
		words: "check BV_SILA_ACCESS_TOKEN"},
	{status: 403, message: MsgNotPermitted, name: "the token of an app not permitted", token: SimForbiddenToken, handle: "complete-1", docTypes: "id_passport",
		words: "check BV_SILA_ACCESS_TOKEN"},
	{status: 404, message: MsgUserNotFound, name: "an unknown user handle", handle: "unknown-0001", docTypes: "id_passport",
		words: `no user with handle "unknown-0001"`},
	{status: 200, message: MsgNotCompleted, name: "a user whose list fails", handle: "failure-0001", docTypes: "id_passport",
		words: "HTTP 200 with success false: " + MsgNotCompleted},
	{status: 429, message: MsgTooManyRequests, name: "a throttled user", handle: "throttled-0001", docTypes: "id_passport"},
	{status: 503, message: MsgUnavailable, name: "a user whose service is down", handle: "down-0001", docTypes: "id_passport"},
	{status: 500, message: MsgInternalError, name: "an injected server error", handle: "complete-1", docTypes: "id_passport",
		faults: simulation.Faults{ErrorRate: 1}},
}

func TestErrorAnswers(t *testing.T) {
	for _, tt := range contracts {
		want := errorAnswer(t, tt.status, tt.message)
		t.Run("Sila answers "+tt.name+" "+http.StatusText(tt.status)+" and the adapter maps it as documented", func(t *testing.T) {
			var h http.Handler = newSim(tt.faults)
			if tt.wrap != nil {
				h = tt.wrap(h)
			}
			c, rec := newRecordedClient(t, h)
			if tt.token != "" {
				c.token.Value = tt.token
			}
			if tt.app != "" {
				c.app.Value = tt.app
			}
			res, err := providertest.Verify(t, c, providertest.Row("user_handle", tt.handle, "doc_types", tt.docTypes))

			ex := rec.Exchanges("/")
			if len(ex) != 1 {
				t.Fatalf("got %d requests, want 1", len(ex))
			}
			var body APIError
			if err := json.Unmarshal(ex[0].Answer(), &body); err != nil {
				t.Fatalf("got an undecodable answer %s (%v), want Sila's failure envelope", ex[0].Answer(), err)
			}
			if ex[0].Status != tt.status || body.Success || body.Status != "FAILURE" || body.Message != tt.message {
				t.Errorf("got HTTP %d success %v %q %q, want HTTP %d success false FAILURE %q", ex[0].Status, body.Success, body.Status, body.Message, tt.status, tt.message)
			}
			if ct := ex[0].Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("got request Content-Type %q, want application/json", ct)
			}

			if want.Outcome.Transient {
				ue := providertest.UpstreamError(t, err)
				if ue.StatusCode != tt.status || !strings.HasPrefix(ue.Reason, tt.message) {
					t.Errorf("got HTTP %d %q, want HTTP %d %q", ue.StatusCode, ue.Reason, tt.status, tt.message)
				}
				return
			}
			if err != nil {
				t.Fatalf("got error %v, want a result", err)
			}
			if res.Status != want.Outcome.Status || res.Code != want.Outcome.Code || res.Retryable != want.Outcome.Retryable {
				t.Errorf("got %s/%s retryable %v, want %s/%s retryable %v", res.Status, res.Code, res.Retryable, want.Outcome.Status, want.Outcome.Code, want.Outcome.Retryable)
			}
			if !strings.Contains(res.Message, tt.message) || !strings.Contains(res.Message, tt.words) {
				t.Errorf("got message %q, want it to give Sila's %q and say %q", res.Message, tt.message, tt.words)
			}
		})
	}
}

// answerKey names an error answer by its status and message.
func answerKey(status int, message string) string { return fmt.Sprintf("HTTP %d %q", status, message) }

// errorAnswer returns the ErrorAnswers entry of status and message.
func errorAnswer(t *testing.T, status int, message string) ErrorAnswer {
	t.Helper()
	return providertest.Find(t, ErrorAnswers, answerKey(status, message), func(e ErrorAnswer) string { return answerKey(e.Status, e.Message) })
}

func TestEveryErrorAnswerHasAContract(t *testing.T) {
	var answers, met []string
	for _, e := range ErrorAnswers {
		answers = append(answers, answerKey(e.Status, e.Message))
	}
	for _, c := range contracts {
		met = append(met, answerKey(c.status, c.message))
	}
	providertest.Covered(t, "error answer", answers, met)
}

func TestErrorAnswersClassifyAsListed(t *testing.T) {
	for _, e := range ErrorAnswers {
		if got := Classify(e.Status, APIError{Status: "FAILURE", Message: e.Message}); got != e.Outcome {
			t.Errorf("Classify(%d, %q) got %+v, want the listed %+v", e.Status, e.Message, got, e.Outcome)
		}
	}
	if e := ErrorAnswers[0]; !e.Seed || e.Status != 400 || e.Message != "One or more invalid document types specified" {
		t.Errorf("got first entry %+v, want the seed's 400 for invalid document types", e)
	}
}

// post sends a raw request to h and returns the status and decoded body.
func post(t *testing.T, h http.Handler, target, auth, body string) (int, http.Header, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(body))
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var got map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatalf("got undecodable body %q (%v), want JSON", rec.Body.String(), err)
	}
	return rec.Code, rec.Header(), got
}

// headerMsg returns a valid body for handle with extra top-level fields.
func headerMsg(handle, extra string) string {
	return `{"header": {"created": 1709307000, "app_handle": "` + testApp + `", "user_handle": "` + handle +
		`", "version": "0.2", "crypto": "ETH", "reference": "ref-1"}, "message": "header_msg"` + extra + `}`
}

func TestSimulatorRejectsBadRequests(t *testing.T) {
	const path = "/0.2/list_documents"
	bearer := "Bearer " + testToken
	tests := []struct {
		name, target, auth, body string
		status                   int
		message, detail          string // detail: a validation_details key
	}{
		{"a request without a token is refused", path, "", headerMsg("complete-1", ""), 401, MsgBadToken, ""},
		{"a token in another scheme is refused", path, "Basic " + testToken, headerMsg("complete-1", ""), 401, MsgBadToken, ""},
		{"the forbidden app's token is not permitted", path, "Bearer " + SimForbiddenToken, headerMsg("complete-1", ""), 403, MsgNotPermitted, ""},
		{"a body that is not JSON is a bad request", path, bearer, "page=1", 400, MsgBadRequest, ""},
		{"a body without a header is a bad request", path, bearer, `{"message": "header_msg"}`, 400, MsgBadRequest, "header"},
		{"a header without user_handle is a bad request", path, bearer, strings.Replace(headerMsg("", ""), `"user_handle": "", `, "", 1), 400, MsgBadRequest, "header.user_handle"},
		{"a header without app_handle is a bad request", path, bearer, strings.Replace(headerMsg("complete-1", ""), `"app_handle": "`+testApp+`", `, "", 1), 400, MsgBadRequest, "header.app_handle"},
		{"a body whose message is not header_msg is a bad request", path, bearer, strings.Replace(headerMsg("complete-1", ""), "header_msg", "entity_msg", 1), 400, MsgBadRequest, "message"},
		{"another app's handle is refused", path, bearer, strings.Replace(headerMsg("complete-1", ""), testApp, "other.silamoney.eth", 1), 400, MsgAppHandle, "header.app_handle"},
		{"per_page above 100 is a bad request", path + "?per_page=101", bearer, headerMsg("complete-1", ""), 400, MsgBadRequest, "per_page"},
		{"per_page 0 is a bad request", path + "?per_page=0", bearer, headerMsg("complete-1", ""), 400, MsgBadRequest, "per_page"},
		{"page 0 is a bad request", path + "?page=0", bearer, headerMsg("complete-1", ""), 400, MsgBadRequest, "page"},
		{"an order other than asc or desc is a bad request", path + "?order=newest", bearer, headerMsg("complete-1", ""), 400, MsgBadRequest, "order"},
		{"an unknown doc type is the seed's 400", path, bearer, headerMsg("complete-1", `, "doc_types": ["id_passport", "selfie"]`), 400, MsgInvalidDocTypes, "doc_types"},
		{"a sort_by other than name or date is a bad request", path, bearer, headerMsg("complete-1", `, "sort_by": "size"`), 400, MsgBadRequest, "sort_by"},
		{"an end_date not in ISO-8601 is a bad request", path, bearer, headerMsg("complete-1", `, "end_date": "08/07/2020"`), 400, MsgBadRequest, "end_date"},
	}
	sim := newSim(simulation.Faults{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, _, got := post(t, sim, tt.target, tt.auth, tt.body)
			if status != tt.status || got["success"] != false || got["status"] != "FAILURE" || got["message"] != tt.message {
				t.Errorf("got HTTP %d %v, want HTTP %d success false FAILURE %q", status, got, tt.status, tt.message)
			}
			details, _ := got["validation_details"].(map[string]any)
			if _, ok := details[tt.detail]; tt.detail != "" && !ok {
				t.Errorf("got validation_details %v, want one for %s", details, tt.detail)
			}
		})
	}
	t.Run("a GET is not allowed", func(t *testing.T) {
		rec := httptest.NewRecorder()
		sim.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusMethodNotAllowed {
			t.Errorf("got HTTP %d, want 405", rec.Code)
		}
	})
}

func TestSimulatorAnswersTheSeedsShape(t *testing.T) {
	sim := newSim(simulation.Faults{})
	status, hdr, got := post(t, sim, "/0.2/list_documents", "Bearer "+testToken, headerMsg(SampleHandle, `, "doc_types": ["id_passport"]`))
	if status != 200 || hdr.Get("Content-Type") != "application/json" {
		t.Fatalf("got HTTP %d %s, want HTTP 200 application/json", status, hdr.Get("Content-Type"))
	}
	var keys []string
	for k := range got {
		keys = append(keys, k)
	}
	if want := []string{"documents", "pagination", "reference", "response_time_ms", "status", "success"}; !sameSet(keys, want) {
		t.Errorf("got keys %v, want the seed's %v", keys, want)
	}
	if _, ok := got["response_time_ms"].(string); !ok || got["reference"] != "ref-1" || got["success"] != true || got["status"] != "SUCCESS" {
		t.Errorf("got %v, want success true, SUCCESS, the reference echoed, response_time_ms a string", got)
	}
	sample, _ := json.Marshal(SampleDocument)
	var wantDoc map[string]any
	json.Unmarshal(sample, &wantDoc)
	if docs := got["documents"].([]any); len(docs) != 1 || !reflect.DeepEqual(docs[0], wantDoc) {
		t.Errorf("got documents %v, want the seed's sample %v", got["documents"], wantDoc)
	}
	wantPage := map[string]any{"returned_count": 1.0, "total_count": 1.0, "current_page": 1.0, "total_pages": 1.0}
	if !reflect.DeepEqual(got["pagination"], wantPage) {
		t.Errorf("got pagination %v, want %v", got["pagination"], wantPage)
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]bool{}
	for _, s := range a {
		seen[s] = true
	}
	for _, s := range b {
		if !seen[s] {
			return false
		}
	}
	return true
}

func TestSimulatorPagesAndFilters(t *testing.T) {
	complete := users[UserComplete].documents("complete-1")
	many := users[UserMany].documents("many-1")
	names := func(docs []Document) []string {
		out := make([]string, len(docs))
		for i, d := range docs {
			out[i] = d.Name
		}
		return out
	}
	tests := []struct {
		name, handle, query, extra string
		want                       []string
		page                       Pagination
	}{
		{"per_page defaults to 20", "many-1", "", "", names(many[:20]), Pagination{20, 250, 1, 13}},
		{"the last page holds the rest", "many-1", "?page=3&per_page=100", "", names(many[200:]), Pagination{50, 250, 3, 3}},
		{"a page beyond the last is empty", "many-1", "?page=4&per_page=100", "", []string{}, Pagination{0, 250, 4, 3}},
		{"desc lists the newest first", "complete-1", "?order=desc&per_page=2", "", []string{"w2_2022", "drivers_license_renewed"}, Pagination{2, 7, 1, 4}},
		{"sort_by name orders by name", "complete-1", "?per_page=2", `, "sort_by": "name"`, []string{"bank_statement_2021_q3", "drivers_license_renewed"}, Pagination{2, 7, 1, 4}},
		{"doc_types keeps those types", "complete-1", "", `, "doc_types": ["id_drivers_license", "doc_w2"]`, names([]Document{complete[0], complete[5], complete[6]}), Pagination{3, 3, 1, 1}},
		{"dates are inclusive days of created", "complete-1", "", `, "start_date": "2021-07-15", "end_date": "2021-10-01"`, names(complete[2:4]), Pagination{2, 2, 1, 1}},
		{"search ignores case in name and filename", "complete-1", "", `, "search": "IMG_2022"`, []string{"ssn_card"}, Pagination{1, 1, 1, 1}},
		{"an empty user has no pages", "empty-1", "", "", []string{}, Pagination{0, 0, 1, 0}},
	}
	sim := newSim(simulation.Faults{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/0.2/list_documents"+tt.query, strings.NewReader(headerMsg(tt.handle, tt.extra)))
			req.Header.Set("Authorization", "Bearer "+testToken)
			rec := httptest.NewRecorder()
			sim.ServeHTTP(rec, req)
			var got ListDocumentsResponse
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || rec.Code != 200 {
				t.Fatalf("got HTTP %d %s (%v), want 200 and a list", rec.Code, rec.Body, err)
			}
			if !reflect.DeepEqual(names(got.Documents), tt.want) {
				t.Errorf("got documents %v, want %v", names(got.Documents), tt.want)
			}
			if got.Pagination != tt.page {
				t.Errorf("got pagination %+v, want %+v", got.Pagination, tt.page)
			}
		})
	}
}

func TestSimulatorDocumentsAreStable(t *testing.T) {
	a, b := users[UserComplete].documents("complete-1"), users[UserComplete].documents("complete-2")
	if !reflect.DeepEqual(a, users[UserComplete].documents("complete-1")) {
		t.Error("got different documents for the same handle, want the same")
	}
	seen := map[string]bool{}
	for i := range a {
		if a[i].DocumentID == b[i].DocumentID || a[i].Hash == b[i].Hash {
			t.Errorf("got document %d shared by two handles, want each handle its own", i)
		}
		if seen[a[i].DocumentID] || len(a[i].DocumentID) != 36 || a[i].DocumentID[14] != '4' || len(a[i].Hash) != 64 {
			t.Errorf("got id %q hash %q, want distinct uuid4-shaped ids and SHA-256 hex hashes", a[i].DocumentID, a[i].Hash)
		}
		seen[a[i].DocumentID] = true
	}
}

func TestSimulatorFaultsUseSilaBodies(t *testing.T) {
	tests := []struct {
		name    string
		faults  simulation.Faults
		status  int
		message string
	}{
		{"an injected 500 has Sila's envelope", simulation.Faults{ErrorRate: 1}, 500, MsgInternalError},
		{"an injected 503 has Sila's envelope", simulation.Faults{ErrorRate: 1, ErrorStatus: 503}, 503, MsgUnavailable},
		{"an injected 429 has Sila's envelope", simulation.Faults{TooManyRate: 1, RetryAfter: 2 * time.Second}, 429, MsgTooManyRequests},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, _, got := post(t, newSim(tt.faults), "/0.2/list_documents", "Bearer "+testToken, headerMsg("complete-1", ""))
			if status != tt.status || got["success"] != false || got["status"] != "FAILURE" || got["message"] != tt.message {
				t.Errorf("got HTTP %d %v, want HTTP %d success false FAILURE %q", status, got, tt.status, tt.message)
			}
		})
	}
}

func TestThrottledUserSaysRetryAfterOne(t *testing.T) {
	status, hdr, _ := post(t, newSim(simulation.Faults{}), "/0.2/list_documents", "Bearer "+testToken, headerMsg("throttled-1", ""))
	if status != 429 || hdr.Get("Retry-After") != "1" {
		t.Errorf("got HTTP %d Retry-After %q, want 429 and 1", status, hdr.Get("Retry-After"))
	}
}
