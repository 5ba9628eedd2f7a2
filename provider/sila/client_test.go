package sila

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/providertest"
	"github.com/bulkverify/bulkverify/provider/simulation"
	"github.com/bulkverify/bulkverify/provider/upstream"
)

var (
	verified    = providertest.Verified
	docNotFound = providertest.Final(bulkverify.StatusNotVerified, bulkverify.CodeDocumentNotFound, "")
	userUnknown = providertest.Final(bulkverify.StatusNotVerified, CodeUserNotFound, "")
	rejected    = providertest.Final(bulkverify.StatusFailed, bulkverify.CodeUpstreamRejected, "")
)

// transient is the Want of a list answer of HTTP status that asks to wait.
func transient(status int, wait time.Duration, words string) providertest.Want {
	w := providertest.Transient(Spec.Name, OpList, status, words)
	w.Wait = wait
	return w
}

// userCases are the outcomes of a row of each user kind, and the requests
// it takes.
var userCases = []struct {
	kind, handle, docTypes string
	want                   providertest.Want
	requests               int64
}{
	{UserSample, SampleHandle, "id_passport", verified, 1},
	{UserSample, "user-0002", "id_drivers_license", docNotFound, 1},
	{UserComplete, "complete-0001", "id_passport|id_drivers_license|doc_utility|doc_bank_statement", verified, 1},
	{UserComplete, "complete.ann.silamoney.eth", "doc_ssn_card|doc_w2", verified, 1},
	{UserMany, "many-0001", "doc_pay_stub|id_passport", verified, 3},
	{UserMany, "many-0002", "id_passport", verified, 1},
	{UserMixed, "mixed-0001", "id_passport", verified, 1},
	{UserMixed, "mixed-0002", "doc_utility", providertest.Final(bulkverify.StatusNotVerified, bulkverify.CodeDocumentNotFound, "belong to another user_handle"), 1},
	{UserPartial, "partial-0001", "id_passport", verified, 1},
	{UserPartial, "partial-0002", "id_passport|doc_utility", docNotFound, 1},
	{UserEmpty, "empty-0001", "id_passport", docNotFound, 1},
	{UserUnknown, "unknown-0001", "id_passport", userUnknown, 1},
	{UserUnknown, "stranger-0001", "id_passport", userUnknown, 1},
	{UserFailure, "failure-0001", "id_passport", rejected, 1},
	{UserFlaky, "flaky-0001", "id_passport", transient(503, 0, MsgUnavailable), 1},
	{UserDown, "down-0001", "id_passport", transient(503, 0, MsgUnavailable), 1},
	{UserThrottled, "throttled-0001", "id_passport", transient(429, time.Second, MsgTooManyRequests), 1},
}

func TestVerifyEveryUser(t *testing.T) {
	for _, tt := range userCases {
		t.Run(fmt.Sprintf("a %s row of %s is %s after %d requests", tt.docTypes, tt.handle, tt.want, tt.requests), func(t *testing.T) {
			sim, c := newSimClient(t, simulation.Faults{})
			res, err := providertest.Verify(t, c, providertest.Row("user_handle", tt.handle, "doc_types", tt.docTypes))
			tt.want.Check(t, res, err)
			if got := sim.Stats().Requests; got != tt.requests {
				t.Errorf("got %d requests, want %d", got, tt.requests)
			}
		})
	}
}

func TestEveryUserKindHasACase(t *testing.T) {
	var tested []string
	for _, c := range userCases {
		tested = append(tested, c.kind)
		if got := userOf(c.handle); !reflect.DeepEqual(got, users[c.kind]) && c.handle != "stranger-0001" {
			t.Errorf("got handle %s read as another kind, want %s", c.handle, c.kind)
		}
	}
	providertest.Covered(t, "user kind", UserKinds(), tested)
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
		{"each type gives its newest document by created, the renewed of two licenses", "complete-0042", "id_drivers_license|id_passport",
			docs("complete-0042", UserComplete, 5, 1)},
		{"the newest passport is the user's own, not another user's newer one", "mixed-0042", "id_passport", docs("mixed-0042", UserMixed, 2)},
		{"types are given in the row's order", "complete-0042", "doc_w2|doc_utility", docs("complete-0042", UserComplete, 6, 2)},
		{"a type named twice is checked once", "complete-0042", "doc_w2|DOC_W2", docs("complete-0042", UserComplete, 6)},
		{"the last page's passport is found with the newest pay stub", "many-0007", "doc_pay_stub|id_passport", docs("many-0007", UserMany, 248, 249)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, c := newSimClient(t, simulation.Faults{})
			row := providertest.Row("user_handle", tt.handle, "doc_types", tt.docTypes)
			res, err := providertest.Verify(t, c, row)
			if err != nil {
				t.Fatal(err)
			}
			want := bulkverify.Verified(row, res.Message)
			want.Issuer, want.VerifiedAt = "Sila", "2024-03-01T05:00:00Z"
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

func TestNewestByCreatedWhateverTheServerOrder(t *testing.T) {
	sim := newSim(simulation.Faults{})
	desc := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		q.Set("order", "desc")
		q.Set("per_page", "1") // and one document a page
		r.URL.RawQuery = q.Encode()
		sim.ServeHTTP(w, r)
	})
	c := newTestClient(t, desc)
	res, err := providertest.Verify(t, c, providertest.Row("user_handle", "complete-0042", "doc_types", "id_drivers_license"))
	if err != nil {
		t.Fatal(err)
	}
	if want := users[UserComplete].documents("complete-0042")[5].DocumentID; res.DocumentID != want {
		t.Errorf("got document %s, want the renewed license %s", res.DocumentID, want)
	}
	if got := sim.Stats().Requests; got != 2 {
		t.Errorf("got %d requests, want 2, one per license", got)
	}
}

// lister answers every request with docs, on one page.
func lister(docs ...Document) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req ListDocumentsRequest
		json.NewDecoder(r.Body).Decode(&req)
		simulation.WriteJSON(w, http.StatusOK, ListDocumentsResponse{Success: true, Status: "SUCCESS", Reference: req.Header.Reference,
			Documents: docs, Pagination: Pagination{ReturnedCount: len(docs), TotalCount: len(docs), CurrentPage: 1, TotalPages: 1}})
	}
}

func TestOnlyTheRowsUserCountsAndItsNewestDocumentIsTheEvidence(t *testing.T) {
	passport := func(id, handle, created string) Document {
		return Document{UserHandle: handle, DocumentID: id, Name: id, Type: "id_passport", Created: created}
	}
	const (
		me, old, recent = "complete-1", "2020-08-03T17:09:24.917939", "2024-02-10T09:30:00.000000"
	)
	tests := []struct {
		name string
		docs []Document
		want string // the evidence's DocumentID; "" for DOCUMENT_NOT_FOUND
	}{
		{"a document of another user_handle does not count", []Document{passport("a", "other-1", old)}, ""},
		{"a handle that differs only in case is another user's", []Document{passport("a", "COMPLETE-1", old)}, ""},
		{"a document without a user_handle does not count", []Document{passport("a", "", old)}, ""},
		{"spaces around the document's handle do not count", []Document{passport("a", " complete-1 ", old)}, "a"},
		{"another user's newer document is passed over for the user's own", []Document{passport("a", me, old), passport("b", "other-1", recent)}, "a"},
		{"the newest is the evidence whatever the list order", []Document{passport("b", me, recent), passport("a", me, old)}, "b"},
		{"a created time with a zone is read", []Document{passport("b", me, "2025-01-01T00:00:00Z"), passport("a", me, recent)}, "b"},
		{"of equal created times the later listed is the newer", []Document{passport("a", me, old), passport("b", me, old)}, "b"},
		{"of times that cannot be compared the later listed is the newer", []Document{passport("a", me, recent), passport("b", me, "yesterday")}, "b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newTestClient(t, lister(tt.docs...))
			res, err := providertest.Verify(t, c, providertest.Row("user_handle", me, "doc_types", "id_passport"))
			if tt.want == "" {
				providertest.Final(bulkverify.StatusNotVerified, bulkverify.CodeDocumentNotFound, "1 listed document(s) of the missing types belong to another user_handle").Check(t, res, err)
				return
			}
			verified.Check(t, res, err)
			if res.DocumentID != tt.want {
				t.Errorf("got document %q, want %q", res.DocumentID, tt.want)
			}
		})
	}
}

func TestPaginationReadsEveryPage(t *testing.T) {
	sim := newSim(simulation.Faults{})
	c, rec := newRecordedClient(t, sim)
	res, err := providertest.Verify(t, c, providertest.Row("user_handle", "many-0001", "doc_types", "doc_pay_stub|id_passport"))
	if err != nil || res.Code != bulkverify.CodeOK {
		t.Fatalf("got %s (%s), %v, want OK", res.Code, res.Message, err)
	}
	ex := rec.Exchanges("/")
	if got := sim.Stats(); got.Requests != 3 || got.OK != 3 {
		t.Errorf("got stats %+v, want 3 requests, all OK", got)
	}
	refs := map[string]bool{}
	for i, e := range ex {
		if want := fmt.Sprintf("page=%d&per_page=100&order=asc", i+1); e.URL.RawQuery != want {
			t.Errorf("request %d: got query %q, want %q", i+1, e.URL.RawQuery, want)
		}
		var out ListDocumentsResponse
		json.Unmarshal(e.Answer(), &out)
		if want := []int{100, 100, 50}[min(i, 2)]; out.Pagination.ReturnedCount != want || out.Pagination.TotalPages != 3 || out.Pagination.TotalCount != 250 {
			t.Errorf("request %d: got pagination %+v, want %d returned of 250 in 3 pages", i+1, out.Pagination, want)
		}
		var body ListDocumentsRequest
		json.Unmarshal(e.Body, &body)
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
		{"a row with every filter sends them all", providertest.Row("user_handle", "complete-0042", "doc_types", "id_passport|Doc_Utility",
			"start_date", "2020-01-01", "end_date", "2022-12-31", "search", "bill"),
			map[string]any{"start_date": "2020-01-01", "end_date": "2022-12-31", "search": "bill"}},
		{"a row without filters sends none", providertest.Row("user_handle", "complete-0042", "doc_types", "id_passport|Doc_Utility"), map[string]any{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, rec := newRecordedClient(t, newSim(simulation.Faults{}))
			if _, err := providertest.Verify(t, c, tt.row); err != nil {
				t.Fatal(err)
			}
			ex := rec.Exchanges("/")
			if len(ex) != 1 {
				t.Fatalf("got %d requests, want 1", len(ex))
			}
			e := ex[0]
			if e.Method != http.MethodPost || e.URL.Path != "/0.2/list_documents" || e.URL.RawQuery != "page=1&per_page=100&order=asc" {
				t.Errorf("got %s %s?%s, want POST /0.2/list_documents?page=1&per_page=100&order=asc", e.Method, e.URL.Path, e.URL.RawQuery)
			}
			if got, want := e.Header.Get("Authorization"), "Bearer "+testToken; got != want {
				t.Errorf("got Authorization %q, want %q", got, want)
			}
			if got := e.Header.Get("Content-Type"); got != "application/json" {
				t.Errorf("got Content-Type %q, want application/json", got)
			}
			var got map[string]any
			if err := json.Unmarshal(e.Body, &got); err != nil {
				t.Fatalf("got body %s (%v), want JSON", e.Body, err)
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
			if json.Unmarshal(e.Answer(), &answer); answer.Reference != ref {
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
			res, err := providertest.Verify(t, c, providertest.Row("user_handle", "complete-0042", "doc_types", tt.docTypes, "start_date", tt.start, "end_date", tt.end, "search", tt.search))
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
	res, err := providertest.Verify(t, c, providertest.Row("user_handle", "partial-0001", "doc_types", "id_passport|doc_utility|id_state"))
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
			srv := providertest.Serve(t, sim)
			c := New(Config{Endpoint: srv.Endpoint(nil), AccessToken: tt.token, AppHandle: tt.app})
			res, err := providertest.Verify(t, c, providertest.Row("user_handle", "complete-1", "doc_types", "id_passport"))
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
	srv := providertest.Serve(t, newSim(simulation.Faults{}))
	c := New(Config{Endpoint: upstream.Endpoint{BaseURL: srv.URL + "/v2", HTTPClient: srv.HTTP}, AccessToken: testToken, AppHandle: testApp})
	res, err := providertest.Verify(t, c, providertest.Row("user_handle", "complete-1", "doc_types", "id_passport"))
	if err != nil || res.Status != bulkverify.StatusFailed || res.Code != bulkverify.CodeUpstreamRejected || !strings.Contains(res.Message, "BV_SILA_BASE_URL") {
		t.Errorf("got %s/%s %q, %v, want FAILED/UPSTREAM_REJECTED saying to check BV_SILA_BASE_URL", res.Status, res.Code, res.Message, err)
	}
}

// pager answers every page with one document of the row's user and typ,
// each page's created after the page before, and claims total pages.
func pager(typ string, total int, empty bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req ListDocumentsRequest
		json.NewDecoder(r.Body).Decode(&req)
		out := ListDocumentsResponse{Success: true, Status: "SUCCESS", Reference: req.Header.Reference, Documents: []Document{}, Pagination: Pagination{TotalPages: total}}
		if page := r.URL.Query().Get("page"); !empty {
			n, _ := strconv.Atoi(page)
			created := testNow.AddDate(0, 0, n).Format("2006-01-02T15:04:05") // newer page after page
			out.Documents = []Document{{UserHandle: req.Header.UserHandle, DocumentID: "doc-" + page, Type: typ, Created: created}}
		}
		simulation.WriteJSON(w, http.StatusOK, out)
	}
}

func TestListEnds(t *testing.T) {
	tests := []struct {
		name     string
		h        http.HandlerFunc
		want     providertest.Want
		requests int
	}{
		{"a list that never ends is cut at the page cap and fails", pager("doc_w2", 1<<30, false),
			rejected, 5},
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
			res, err := providertest.Verify(t, c, providertest.Row("user_handle", "complete-1", "doc_types", "id_passport"))
			tt.want.Check(t, res, err)
			if requests != tt.requests {
				t.Errorf("got %d requests, want %d", requests, tt.requests)
			}
			if tt.want.Code == bulkverify.CodeOK && res.DocumentID != "doc-5" {
				t.Errorf("got document %s, want the newest, the last page's doc-5", res.DocumentID)
			}
		})
	}
}

func TestAThrottleOnTheSecondPageStopsTheRow(t *testing.T) {
	now := testNow
	sim, c := newSimClient(t, simulation.Faults{RateLimit: 1, Burst: 1, Now: func() time.Time { return now }})
	_, err := providertest.Verify(t, c, providertest.Row("user_handle", "many-1", "doc_types", "doc_pay_stub|id_passport"))
	if ue := providertest.UpstreamError(t, err); ue.StatusCode != 429 || ue.Wait != time.Second {
		t.Errorf("got HTTP %d wait %v, want 429 wait 1s", ue.StatusCode, ue.Wait)
	}
	if got := sim.Stats(); got.Requests != 2 || got.OK != 1 || got.Throttled != 1 {
		t.Errorf("got stats %+v, want 2 requests, 1 OK, 1 throttled", got)
	}
}
