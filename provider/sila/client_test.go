package sila

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/simulation"
)

// outcome is what a test expects of Verify: a result, or a transient error
// with an HTTP status and Retry-After wait.
type outcome struct {
	status   bulkverify.Status
	code     bulkverify.Code
	httpCode int           // transient: the UpstreamError's status
	wait     time.Duration // transient: its RetryAfter
}

func (w outcome) String() string {
	if w.httpCode != 0 {
		return fmt.Sprintf("transient HTTP %d", w.httpCode)
	}
	return string(w.status) + "/" + string(w.code)
}

func (w outcome) check(t *testing.T, res bulkverify.Result, err error) {
	t.Helper()
	if w.httpCode != 0 {
		ue := upstreamError(t, err)
		if ue.StatusCode != w.httpCode || ue.RetryAfter() != w.wait || ue.Op != OpList || ue.Provider != Name {
			t.Errorf("got UpstreamError{%s %s HTTP %d wait %v}, want {sila %s HTTP %d wait %v}", ue.Provider, ue.Op, ue.StatusCode, ue.RetryAfter(), OpList, w.httpCode, w.wait)
		}
		return
	}
	if err != nil {
		t.Fatalf("got error %v, want a result %s", err, w)
	}
	if res.Status != w.status || res.Code != w.code {
		t.Fatalf("got %s/%s (%s), want %s", res.Status, res.Code, res.Message, w)
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
}

var (
	verified    = outcome{status: bulkverify.StatusVerified, code: bulkverify.CodeOK}
	docNotFound = outcome{status: bulkverify.StatusNotVerified, code: bulkverify.CodeDocumentNotFound}
	userUnknown = outcome{status: bulkverify.StatusNotVerified, code: CodeUserNotFound}
)

// userCases are the outcomes of a row of each user kind, and the requests
// it takes.
var userCases = []struct {
	kind, handle, docTypes string
	want                   outcome
	requests               int64
}{
	{UserSample, SampleHandle, "id_passport", verified, 1},
	{UserSample, "user-0002", "id_drivers_license", docNotFound, 1},
	{UserComplete, "complete-0001", "id_passport|id_drivers_license|doc_utility|doc_bank_statement", verified, 1},
	{UserComplete, "complete.ann.silamoney.eth", "doc_ssn_card|doc_w2", verified, 1},
	{UserMany, "many-0001", "doc_pay_stub|id_passport", verified, 3},
	{UserMany, "many-0002", "id_passport", verified, 1},
	{UserPartial, "partial-0001", "id_passport", verified, 1},
	{UserPartial, "partial-0002", "id_passport|doc_utility", docNotFound, 1},
	{UserEmpty, "empty-0001", "id_passport", docNotFound, 1},
	{UserUnknown, "unknown-0001", "id_passport", userUnknown, 1},
	{UserUnknown, "stranger-0001", "id_passport", userUnknown, 1},
	{UserFailure, "failure-0001", "id_passport", outcome{status: bulkverify.StatusFailed, code: bulkverify.CodeUpstreamRejected}, 1},
	{UserFlaky, "flaky-0001", "id_passport", outcome{httpCode: 503}, 1},
	{UserDown, "down-0001", "id_passport", outcome{httpCode: 503}, 1},
	{UserThrottled, "throttled-0001", "id_passport", outcome{httpCode: 429, wait: time.Second}, 1},
}

func TestVerifyEveryUser(t *testing.T) {
	for _, tt := range userCases {
		t.Run(fmt.Sprintf("a %s row of %s is %s after %d requests", tt.docTypes, tt.handle, tt.want, tt.requests), func(t *testing.T) {
			sim, c := newSimClient(t, simulation.Faults{})
			res, err := verify(t, c, newRow("user_handle", tt.handle, "doc_types", tt.docTypes))
			tt.want.check(t, res, err)
			if got := sim.Stats().Requests; got != tt.requests {
				t.Errorf("got %d requests, want %d", got, tt.requests)
			}
		})
	}
}

func TestEveryUserKindHasACase(t *testing.T) {
	tested := map[string]bool{}
	for _, c := range userCases {
		tested[c.kind] = true
		if got := userOf(c.handle); !reflect.DeepEqual(got, users[c.kind]) && c.handle != "stranger-0001" {
			t.Errorf("got handle %s read as another kind, want %s", c.handle, c.kind)
		}
	}
	for _, k := range UserKinds() {
		if !tested[k] {
			t.Errorf("got user kind %s without a case in userCases, want every kind tested", k)
		}
	}
}

func TestEvidence(t *testing.T) {
	docs := func(handle, kind string, idx ...int) []Document {
		all := users[kind].documents(handle)
		out := make([]Document, len(idx))
		for i, j := range idx {
			out[i] = all[j]
		}
		return out
	}
	tests := []struct {
		name, handle, docTypes string
		want                   []Document
	}{
		{"the seed's sample user's passport is the seed's document", SampleHandle, "id_passport", []Document{SampleDocument}},
		{"each type gives its first document by created, the older of two licenses", "complete-0042", "id_drivers_license|id_passport",
			docs("complete-0042", UserComplete, 0, 1)},
		{"types are given in the row's order", "complete-0042", "doc_w2|doc_utility", docs("complete-0042", UserComplete, 6, 2)},
		{"a type named twice is checked once", "complete-0042", "doc_w2|DOC_W2", docs("complete-0042", UserComplete, 6)},
		{"the last page's passport is found with the first pay stub", "many-0007", "doc_pay_stub|id_passport", docs("many-0007", UserMany, 0, 249)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, c := newSimClient(t, simulation.Faults{})
			res, err := verify(t, c, newRow("user_handle", tt.handle, "doc_types", tt.docTypes))
			if err != nil {
				t.Fatal(err)
			}
			want := bulkverify.Result{
				RowNumber: 7, ReferenceID: "ref-7", Status: bulkverify.StatusVerified, Code: bulkverify.CodeOK, Message: res.Message,
				Issuer: "Sila", VerifiedAt: "2024-03-01T15:30:00Z",
			}
			var types, ids, hashes, sizes []string
			for _, d := range tt.want {
				types, ids, hashes, sizes = append(types, d.Type), append(ids, d.DocumentID), append(hashes, d.Hash), append(sizes, string(d.Size))
				if !strings.Contains(res.Message, d.Name) {
					t.Errorf("got message %q, want it to name %s", res.Message, d.Name)
				}
			}
			want.DocumentType, want.DocumentID = strings.Join(types, "|"), strings.Join(ids, "|")
			want.SHA256, want.Size = strings.Join(hashes, "|"), strings.Join(sizes, "|")
			if res != want {
				t.Errorf("got %+v,\nwant %+v", res, want)
			}
		})
	}
}

func TestFirstByCreatedWhateverTheServerOrder(t *testing.T) {
	sim := newSim(simulation.Faults{})
	desc := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		q.Set("order", "desc")
		q.Set("per_page", "1") // and one document a page
		r.URL.RawQuery = q.Encode()
		sim.ServeHTTP(w, r)
	})
	c := newTestClient(t, desc)
	res, err := verify(t, c, newRow("user_handle", "complete-0042", "doc_types", "id_drivers_license"))
	if err != nil {
		t.Fatal(err)
	}
	if want := users[UserComplete].documents("complete-0042")[0].DocumentID; res.DocumentID != want {
		t.Errorf("got document %s, want the older license %s", res.DocumentID, want)
	}
	if got := sim.Stats().Requests; got != 2 {
		t.Errorf("got %d requests, want 2, one per license", got)
	}
}

func TestPaginationReadsEveryPage(t *testing.T) {
	sim := newSim(simulation.Faults{})
	tp := &tap{h: sim}
	c := newTestClient(t, tp)
	res, err := verify(t, c, newRow("user_handle", "many-0001", "doc_types", "doc_pay_stub|id_passport"))
	if err != nil || res.Code != bulkverify.CodeOK {
		t.Fatalf("got %s (%s), %v, want OK", res.Code, res.Message, err)
	}
	ex := tp.exchanges()
	if got := sim.Stats(); got.Requests != 3 || got.OK != 3 {
		t.Errorf("got stats %+v, want 3 requests, all OK", got)
	}
	refs := map[string]bool{}
	for i, e := range ex {
		if want := fmt.Sprintf("page=%d&per_page=100&order=asc", i+1); e.query != want {
			t.Errorf("request %d: got query %q, want %q", i+1, e.query, want)
		}
		var out ListDocumentsResponse
		json.Unmarshal(e.answer, &out)
		if want := []int{100, 100, 50}[min(i, 2)]; out.Pagination.ReturnedCount != want || out.Pagination.TotalPages != 3 || out.Pagination.TotalCount != 250 {
			t.Errorf("request %d: got pagination %+v, want %d returned of 250 in 3 pages", i+1, out.Pagination, want)
		}
		var body ListDocumentsRequest
		json.Unmarshal(e.body, &body)
		refs[body.Header.Reference] = true
	}
	if len(refs) != 3 {
		t.Errorf("got %d distinct references over 3 requests, want 3", len(refs))
	}
	if want := users[UserMany].documents("many-0001")[249].DocumentID; !strings.HasSuffix(res.DocumentID, "|"+want) {
		t.Errorf("got documents %s, want the last page's passport %s last", res.DocumentID, want)
	}
}

func TestRequestIsHeaderMsg(t *testing.T) {
	tests := []struct {
		name    string
		row     bulkverify.Row
		filters map[string]any
	}{
		{"a row with every filter sends them all", newRow("user_handle", "complete-0042", "doc_types", "id_passport|Doc_Utility",
			"start_date", "2020-01-01", "end_date", "2022-12-31", "search", "bill"),
			map[string]any{"start_date": "2020-01-01", "end_date": "2022-12-31", "search": "bill"}},
		{"a row without filters sends none", newRow("user_handle", "complete-0042", "doc_types", "id_passport|Doc_Utility"), map[string]any{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tp := &tap{h: newSim(simulation.Faults{})}
			c := newTestClient(t, tp)
			if _, err := verify(t, c, tt.row); err != nil {
				t.Fatal(err)
			}
			ex := tp.exchanges()
			if len(ex) != 1 {
				t.Fatalf("got %d requests, want 1", len(ex))
			}
			e := ex[0]
			if e.method != http.MethodPost || e.path != "/0.2/list_documents" || e.query != "page=1&per_page=100&order=asc" {
				t.Errorf("got %s %s?%s, want POST /0.2/list_documents?page=1&per_page=100&order=asc", e.method, e.path, e.query)
			}
			if got, want := e.header.Get("Authorization"), "Bearer "+testToken; got != want {
				t.Errorf("got Authorization %q, want %q", got, want)
			}
			if got := e.header.Get("Content-Type"); got != "application/json" {
				t.Errorf("got Content-Type %q, want application/json", got)
			}
			var got map[string]any
			if err := json.Unmarshal(e.body, &got); err != nil {
				t.Fatalf("got body %s (%v), want JSON", e.body, err)
			}
			ref, _ := got["header"].(map[string]any)["reference"].(string)
			if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(ref) {
				t.Errorf("got reference %q, want 32 random hex digits", ref)
			}
			want := map[string]any{
				"header": map[string]any{
					"created": float64(testNow.Unix()), "app_handle": testApp, "user_handle": "complete-0042",
					"version": "0.2", "crypto": "ETH", "reference": ref,
				},
				"message":   "header_msg",
				"doc_types": []any{"id_passport", "doc_utility"},
			}
			for k, v := range tt.filters {
				want[k] = v
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got body %v,\nwant %v", got, want)
			}
			var answer ListDocumentsResponse
			if json.Unmarshal(e.answer, &answer); answer.Reference != ref {
				t.Errorf("got reference %q echoed, want %q", answer.Reference, ref)
			}
		})
	}
}

func TestFiltersReachSila(t *testing.T) {
	doc := func(i int) string { return users[UserComplete].documents("complete-0042")[i].DocumentID }
	tests := []struct {
		name, docTypes, start, end, search string
		want                               bulkverify.Code
		wantDoc                            string // the DocumentID, or words the message must hold
	}{
		{"a start date after the passport's upload hides it", "id_passport", "2021-01-01", "", "", bulkverify.CodeDocumentNotFound, "created on or after 2021-01-01"},
		{"an end date on the passport's upload day keeps it", "id_passport", "", "2020-08-03", "", bulkverify.CodeOK, doc(1)},
		{"an end date the day before hides it", "id_passport", "2020-01-01", "2020-08-02", "", bulkverify.CodeDocumentNotFound, "created 2020-01-01 to 2020-08-02"},
		{"a start date picks the renewed license", "id_drivers_license", "2021-01-01", "", "", bulkverify.CodeOK, doc(5)},
		{"search matches the name whatever its case", "id_drivers_license", "", "", "CA_DRIVERS", bulkverify.CodeOK, doc(0)},
		{"search matches the filename", "id_drivers_license", "", "", "img_2023", bulkverify.CodeOK, doc(5)},
		{"a search nothing matches finds nothing", "doc_utility", "", "", "passport", bulkverify.CodeDocumentNotFound, `with "passport" in the name or filename`},
		{"an upper-case doc type is sent lower-case", "ID_PASSPORT", "", "", "", bulkverify.CodeOK, doc(1)},
	}
	_, c := newSimClient(t, simulation.Faults{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := verify(t, c, newRow("user_handle", "complete-0042", "doc_types", tt.docTypes, "start_date", tt.start, "end_date", tt.end, "search", tt.search))
			if err != nil {
				t.Fatal(err)
			}
			if res.Code != tt.want {
				t.Fatalf("got %s (%s), want %s", res.Code, res.Message, tt.want)
			}
			if tt.want == bulkverify.CodeOK && res.DocumentID != tt.wantDoc {
				t.Errorf("got document %q, want %q", res.DocumentID, tt.wantDoc)
			}
			if tt.want != bulkverify.CodeOK && (!strings.Contains(res.Message, tt.wantDoc) || !strings.Contains(res.Message, "widen")) {
				t.Errorf("got message %q, want it to say %q and to suggest widening the filters", res.Message, tt.wantDoc)
			}
		})
	}
}

func TestNotFoundNamesMissingAndFoundTypes(t *testing.T) {
	_, c := newSimClient(t, simulation.Faults{})
	res, err := verify(t, c, newRow("user_handle", "partial-0001", "doc_types", "id_passport|doc_utility|id_state"))
	if err != nil {
		t.Fatal(err)
	}
	for _, words := range []string{"no doc_utility or id_state document", "only id_passport of the types asked for", `"partial-0001"`} {
		if !strings.Contains(res.Message, words) {
			t.Errorf("got message %q, want it to say %q", res.Message, words)
		}
	}
	if res.DocumentType != "id_passport|doc_utility|id_state" || res.DocumentID != "" || res.Issuer != "Sila" {
		t.Errorf("got document %q %q %q, want the types asked for, no id, issuer Sila", res.DocumentType, res.DocumentID, res.Issuer)
	}
}

func TestInvalidRowsMakeNoRequest(t *testing.T) {
	tests := []struct {
		name string
		row  bulkverify.Row
	}{
		{"a row without a user_handle is invalid", newRow("doc_types", "id_passport")},
		{"a row with empty doc_types is invalid", newRow("user_handle", "complete-1", "doc_types", "")},
		{"a row whose doc_types are only separators is invalid", newRow("user_handle", "complete-1", "doc_types", " | ")},
		{"a row with a date not in YYYY-MM-DD is invalid", newRow("user_handle", "complete-1", "doc_types", "id_passport", "start_date", "2020/01/01")},
		{"a row whose start_date is after its end_date is invalid", newRow("user_handle", "complete-1", "doc_types", "id_passport", "start_date", "2021-01-01", "end_date", "2020-01-01")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sim, c := newSimClient(t, simulation.Faults{})
			res, err := verify(t, c, tt.row)
			if err != nil || res.Status != bulkverify.StatusFailed || res.Code != bulkverify.CodeInvalidRow || res.Retryable {
				t.Errorf("got %s/%s retryable %v, %v, want FAILED/INVALID_ROW not retryable", res.Status, res.Code, res.Retryable, err)
			}
			if n := sim.Stats().Requests; n != 0 {
				t.Errorf("got %d requests to Sila, want 0", n)
			}
		})
	}
}

func TestMissingConfigurationMakesNoRequest(t *testing.T) {
	tests := []struct {
		name, token, app, words string
	}{
		{"no access token says to set BV_SILA_ACCESS_TOKEN", "", testApp, "BV_SILA_ACCESS_TOKEN"},
		{"no app handle says to set BV_SILA_APP_HANDLE", testToken, " ", "BV_SILA_APP_HANDLE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sim := newSim(simulation.Faults{})
			srv := httptest.NewServer(sim)
			defer srv.Close()
			c := New(Config{BaseURL: srv.URL, AccessToken: tt.token, AppHandle: tt.app, HTTPClient: srv.Client()})
			res, err := verify(t, c, newRow("user_handle", "complete-1", "doc_types", "id_passport"))
			if err != nil || res.Code != bulkverify.CodeTokenInvalid || !strings.Contains(res.Message, tt.words) {
				t.Errorf("got %s %q, %v, want TOKEN_INVALID saying %s", res.Code, res.Message, err, tt.words)
			}
			if n := sim.Stats().Requests; n != 0 {
				t.Errorf("got %d requests to Sila, want 0", n)
			}
		})
	}
}

func TestWrongBaseURLIsRejected(t *testing.T) {
	sim := newSim(simulation.Faults{})
	srv := httptest.NewServer(sim)
	defer srv.Close()
	c := New(Config{BaseURL: srv.URL + "/v2", AccessToken: testToken, AppHandle: testApp, HTTPClient: srv.Client()})
	res, err := verify(t, c, newRow("user_handle", "complete-1", "doc_types", "id_passport"))
	if err != nil || res.Status != bulkverify.StatusFailed || res.Code != bulkverify.CodeUpstreamRejected || !strings.Contains(res.Message, "BV_SILA_BASE_URL") {
		t.Errorf("got %s/%s %q, %v, want FAILED/UPSTREAM_REJECTED saying to check BV_SILA_BASE_URL", res.Status, res.Code, res.Message, err)
	}
}

// pager answers every page with one document of typ and claims total pages.
func pager(typ string, total int, empty bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req ListDocumentsRequest
		json.NewDecoder(r.Body).Decode(&req)
		out := ListDocumentsResponse{Success: true, Status: "SUCCESS", Reference: req.Header.Reference, Documents: []Document{}, Pagination: Pagination{TotalPages: total}}
		if !empty {
			out.Documents = []Document{{DocumentID: "doc-" + r.URL.Query().Get("page"), Type: typ, Created: "2020-01-01T00:00:00"}}
		}
		writeJSON(w, http.StatusOK, out)
	}
}

func TestListEnds(t *testing.T) {
	tests := []struct {
		name     string
		h        http.HandlerFunc
		want     outcome
		requests int
	}{
		{"a list that never ends is cut at the page cap and fails", pager("doc_w2", 1<<30, false),
			outcome{status: bulkverify.StatusFailed, code: bulkverify.CodeUpstreamRejected}, 5},
		{"a list that never ends verifies if the cap's pages hold every type", pager("id_passport", 1<<30, false), verified, 5},
		{"an empty list with no pages ends at once", pager("id_passport", 0, true), docNotFound, 1},
		{"an empty page before the claimed last ends the list", pager("id_passport", 3, true), docNotFound, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			requests := 0
			c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				requests++
				tt.h(w, r)
			}))
			c.maxPages = 5
			res, err := verify(t, c, newRow("user_handle", "complete-1", "doc_types", "id_passport"))
			tt.want.check(t, res, err)
			if requests != tt.requests {
				t.Errorf("got %d requests, want %d", requests, tt.requests)
			}
			if tt.want.code == bulkverify.CodeOK && res.DocumentID != "doc-1" {
				t.Errorf("got document %s, want the first page's doc-1", res.DocumentID)
			}
		})
	}
}

func TestFlakyUserClearsOnRetry(t *testing.T) {
	_, c := newSimClient(t, simulation.Faults{})
	for _, handle := range []string{"flaky-0001", "flaky-0002"} {
		row := newRow("user_handle", handle, "doc_types", "id_passport|doc_utility")
		_, err := verify(t, c, row)
		if ue := upstreamError(t, err); ue.StatusCode != 503 {
			t.Fatalf("%s first try: got HTTP %d, want 503", handle, ue.StatusCode)
		}
		res, err := verify(t, c, row)
		if err != nil || res.Code != bulkverify.CodeOK {
			t.Fatalf("%s second try: got %s, %v, want OK", handle, res.Code, err)
		}
	}
}

func TestRetryAfterReachesTheUpstreamError(t *testing.T) {
	t.Run("an injected 429 carries its Retry-After seconds and Sila's message", func(t *testing.T) {
		_, c := newSimClient(t, simulation.Faults{TooManyRate: 1, RetryAfter: 7 * time.Second})
		_, err := verify(t, c, newRow("user_handle", "complete-1", "doc_types", "id_passport"))
		ue := upstreamError(t, err)
		if ue.StatusCode != 429 || ue.RetryAfter() != 7*time.Second || ue.Reason != MsgTooManyRequests {
			t.Errorf("got HTTP %d wait %v reason %q, want 429, 7s, %q", ue.StatusCode, ue.RetryAfter(), ue.Reason, MsgTooManyRequests)
		}
	})
	t.Run("a 429 with an HTTP date waits until that date", func(t *testing.T) {
		c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", testNow.Add(90*time.Second).UTC().Format(http.TimeFormat))
			w.WriteHeader(http.StatusTooManyRequests)
		}))
		_, err := verify(t, c, newRow("user_handle", "complete-1", "doc_types", "id_passport"))
		if ue := upstreamError(t, err); ue.StatusCode != 429 || ue.Wait != 90*time.Second || ue.Reason != "Too Many Requests" {
			t.Errorf("got HTTP %d wait %v reason %q, want 429, 1m30s, Too Many Requests", ue.StatusCode, ue.Wait, ue.Reason)
		}
	})
	t.Run("a throttle on the second page stops the row", func(t *testing.T) {
		now := testNow
		sim, c := newSimClient(t, simulation.Faults{RateLimit: 1, Burst: 1, Now: func() time.Time { return now }})
		_, err := verify(t, c, newRow("user_handle", "many-1", "doc_types", "doc_pay_stub|id_passport"))
		if ue := upstreamError(t, err); ue.StatusCode != 429 || ue.Wait != time.Second {
			t.Errorf("got HTTP %d wait %v, want 429 wait 1s", ue.StatusCode, ue.Wait)
		}
		if got := sim.Stats(); got.Requests != 2 || got.OK != 1 || got.Throttled != 1 {
			t.Errorf("got stats %+v, want 2 requests, 1 OK, 1 throttled", got)
		}
	})
}

func TestInjectedServerErrorsAreTransient(t *testing.T) {
	_, c := newSimClient(t, simulation.Faults{ErrorRate: 1, ErrorStatus: 502})
	_, err := verify(t, c, newRow("user_handle", "complete-1", "doc_types", "id_passport"))
	if ue := upstreamError(t, err); ue.StatusCode != 502 || ue.Reason != MsgInternalError {
		t.Errorf("got HTTP %d %q, want HTTP 502 %q", ue.StatusCode, ue.Reason, MsgInternalError)
	}
}

func TestUnreadableAnswerIsTransient(t *testing.T) {
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<html>maintenance</html>"))
	}))
	_, err := verify(t, c, newRow("user_handle", "complete-1", "doc_types", "id_passport"))
	if ue := upstreamError(t, err); ue.StatusCode != 200 || ue.Reason != "unreadable answer" || ue.Err == nil {
		t.Errorf("got HTTP %d %q err %v, want HTTP 200 unreadable answer with a cause", ue.StatusCode, ue.Reason, ue.Err)
	}
}

func TestNoAnswerIsTransient(t *testing.T) {
	t.Run("a refused connection is an UpstreamError without status", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		srv.Close()
		c := New(Config{BaseURL: srv.URL, AccessToken: testToken, AppHandle: testApp})
		_, err := verify(t, c, newRow("user_handle", "complete-1", "doc_types", "id_passport"))
		if ue := upstreamError(t, err); ue.StatusCode != 0 || ue.Op != OpList || ue.Err == nil {
			t.Errorf("got %s HTTP %d err %v, want list documents, no status, a cause", ue.Op, ue.StatusCode, ue.Err)
		}
	})
	t.Run("a cancelled context stops the row and says so", func(t *testing.T) {
		_, c := newSimClient(t, simulation.Faults{})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := c.Verify(ctx, newRow("user_handle", "complete-1", "doc_types", "id_passport"))
		upstreamError(t, err)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want it to wrap context.Canceled", err)
		}
	})
	t.Run("a slow upstream is cut off by the context deadline", func(t *testing.T) {
		// It reads the body, so that the server notices the client leave.
		c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			<-r.Context().Done()
		}))
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		_, err := c.Verify(ctx, newRow("user_handle", "complete-1", "doc_types", "id_passport"))
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("got %v, want it to wrap context.DeadlineExceeded", err)
		}
	})
}

func TestAccessTokenStaysOutOfMessagesAndErrors(t *testing.T) {
	check := func(t *testing.T, res bulkverify.Result, err error) {
		t.Helper()
		if strings.Contains(res.Message, testToken) {
			t.Errorf("got message %q, want it without the access token", res.Message)
		}
		if err != nil && strings.Contains(err.Error(), testToken) {
			t.Errorf("got error %q, want it without the access token", err)
		}
	}
	_, c := newSimClient(t, simulation.Faults{})
	for _, kind := range UserKinds() {
		t.Run("user "+kind+" leaks no token", func(t *testing.T) {
			for _, docTypes := range []string{"id_passport", "id_passport|doc_utility", "selfie", ""} {
				res, err := verify(t, c, newRow("user_handle", kind+"-"+testToken, "doc_types", docTypes, "search", testToken))
				check(t, res, err)
			}
		})
	}
	t.Run("an upstream that echoes the token is redacted", func(t *testing.T) {
		c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var req ListDocumentsRequest
			json.NewDecoder(r.Body).Decode(&req)
			status := http.StatusBadRequest
			if req.Header.UserHandle == "down-1" {
				status = http.StatusServiceUnavailable
			}
			writeFailure(w, status, "", "bad token "+r.Header.Get("Authorization"), ValidationDetails{"auth": r.Header.Get("Authorization")})
		}))
		res, err := verify(t, c, newRow("user_handle", "complete-1", "doc_types", "id_passport"))
		if res.Code != bulkverify.CodeInvalidRow || !strings.Contains(res.Message, "[redacted]") {
			t.Errorf("got %s %q, want INVALID_ROW with the echo redacted", res.Code, res.Message)
		}
		check(t, res, err)
		_, err = verify(t, c, newRow("user_handle", "down-1", "doc_types", "id_passport"))
		if ue := upstreamError(t, err); !strings.Contains(ue.Reason, "[redacted]") {
			t.Errorf("got reason %q, want the echo redacted", ue.Reason)
		}
		check(t, bulkverify.Result{}, err)
	})
}
