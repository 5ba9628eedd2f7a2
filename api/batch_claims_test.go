package api

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/batchcsv"
	"github.com/bulkverify/bulkverify/provider/providers"
)

// fakeBatches serves Get from a map; the routes under test call nothing
// else of the BatchService.
type fakeBatches struct {
	bulkverify.BatchService
	batches map[string]bulkverify.Batch
}

func (f fakeBatches) Get(ctx context.Context, id string) (bulkverify.Batch, error) {
	b, ok := f.batches[id]
	if !ok {
		return b, bulkverify.Errorf(bulkverify.ENotFound, "no batch %s", id)
	}
	return b, nil
}

// fakeFiles serves each batch's output.csv from a map and counts the
// opens; the routes under test call nothing else of the FileService.
type fakeFiles struct {
	bulkverify.FileService
	outputs map[string]string
	opened  *atomic.Int32
}

func (f fakeFiles) OpenOutput(ctx context.Context, id string) (io.ReadCloser, error) {
	f.opened.Add(1)
	out, ok := f.outputs[id]
	if !ok {
		return nil, fmt.Errorf("no output.csv for %s", id)
	}
	return io.NopCloser(strings.NewReader(out)), nil
}

// The personal data in claimsOutput's rows: none may reach the answer.
var personalData = []string{"Ramesh Kumar", "01011990", "ABCDE1234F"}

// claimsOutput is an output.csv of a digilocker batch as the writer makes
// it, its columns put in another order by reorder. Two more columns,
// name and dob, and each row's message stand for any claimed or document
// value a file might carry.
func claimsOutput(t *testing.T, reorder func([]string) []string) string {
	t.Helper()
	result := func(n int, status bulkverify.Status, code bulkverify.Code, doc, name, score, dob, gender bulkverify.Match) bulkverify.Result {
		return bulkverify.Result{
			RowNumber: n, ReferenceID: fmt.Sprintf("ref-%d", n), Status: status, Code: code,
			Message:             "the document says Ramesh Kumar, born 01011990, number ABCDE1234F",
			DocumentNumberMatch: doc, NameMatch: name, NameScore: string(score), DOBMatch: dob, GenderMatch: gender,
			ClaimsSource: "certificate",
		}
	}
	const (
		ok, mis, na, nc = bulkverify.MatchOK, bulkverify.MatchMismatch, bulkverify.MatchUnavailable, bulkverify.MatchNotClaimed
	)
	results := []bulkverify.Result{
		result(1, bulkverify.StatusVerified, bulkverify.CodeOK, ok, ok, "97", ok, nc),
		result(2, bulkverify.StatusNotVerified, bulkverify.CodeNameMismatch, ok, mis, "41", ok, ok),
		result(3, bulkverify.StatusNotVerified, bulkverify.CodeClaimUnverifiable, na, nc, "", na, nc),
		result(4, bulkverify.StatusNotVerified, bulkverify.CodeDOBMismatch, nc, nc, "", mis, mis),
		result(5, bulkverify.StatusFailed, bulkverify.CodeTokenInvalid, nc, nc, "", nc, nc),
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write(reorder(append(slices.Clone(batchcsv.ResultHeader), "name", "dob")))
	for _, r := range results {
		w.Write(reorder(append(batchcsv.AppendResult(nil, r), personalData[0], personalData[1])))
	}
	w.Flush()
	return b.String()
}

type claimsBundle struct {
	handler http.Handler
	opened  *atomic.Int32
}

func setupClaims(t *testing.T, output string) claimsBundle {
	t.Helper()
	now := time.Now()
	batch := func(id, tenant, provider string, state bulkverify.State) bulkverify.Batch {
		return bulkverify.Batch{ID: id, Tenant: tenant, Provider: provider, State: state, CreatedAt: now}
	}
	s := newAuthServer(time.Now)
	s.Specs, s.Providers = providers.Specs(), []string{"digilocker", "sila"}
	s.Batches = fakeBatches{batches: map[string]bulkverify.Batch{
		"done":    batch("done", "acme", "digilocker", bulkverify.StateCompleted),
		"running": batch("running", "acme", "digilocker", bulkverify.StateProcessing),
		"expired": batch("expired", "acme", "digilocker", bulkverify.StateExpired),
		"theirs":  batch("theirs", "other", "digilocker", bulkverify.StateCompleted),
		"sila":    batch("sila", "acme", "sila", bulkverify.StateCompleted),
	}}
	opened := &atomic.Int32{}
	s.Files = fakeFiles{outputs: map[string]string{"done": output, "theirs": output}, opened: opened}
	return claimsBundle{handler: s.Handler(), opened: opened}
}

// get sends an authenticated GET as acme and returns the status and body.
func get(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("client-id", "acme")
	req.Header.Set("x-api-key", "s3cret")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

// claimsAnswer is the envelope of a claims answer, decoded.
type claimsAnswer struct {
	SubCode string       `json:"sub_code"`
	Data    claimSummary `json:"data"`
}

func TestBatchClaimsCountsEveryFieldAndListsTheMismatchedRows(t *testing.T) {
	t.Parallel()
	orders := map[string]func([]string) []string{
		"in the writer's column order": func(s []string) []string { return s },
		"in reversed column order":     func(s []string) []string { s = slices.Clone(s); slices.Reverse(s); return s },
	}
	for name, reorder := range orders {
		t.Run(name, func(t *testing.T) {
			b := setupClaims(t, claimsOutput(t, reorder))
			code, body := get(t, b.handler, "/v1/verification/batch/done/claims")
			if code != http.StatusOK {
				t.Fatalf("got HTTP %d %s, want 200", code, body)
			}
			var got claimsAnswer
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Fatal(err)
			}
			want := map[string]claimCounts{
				"document_number": {Match: 2, Unavailable: 1, NotClaimed: 2},
				"name":            {Match: 1, Mismatch: 1, NotClaimed: 3},
				"dob":             {Match: 2, Mismatch: 1, Unavailable: 1, NotClaimed: 1},
				"gender":          {Match: 1, Mismatch: 1, NotClaimed: 3},
			}
			if len(got.Data.Fields) != len(want) {
				t.Errorf("got fields %v, want %v", keys(got.Data.Fields), keys(want))
			}
			for f, w := range want {
				if c := got.Data.Fields[f]; c == nil || *c != w {
					t.Errorf("field %s: got %+v, want %+v", f, c, w)
				}
			}
			score := 41
			wantRows := []mismatchedRow{
				{RowNumber: 2, ReferenceID: "ref-2", Status: "NOT_VERIFIED", Code: "NAME_MISMATCH", DocumentNumberMatch: "MATCH",
					NameMatch: "MISMATCH", NameScore: &score, DOBMatch: "MATCH", GenderMatch: "MATCH", ClaimsSource: "certificate"},
				{RowNumber: 4, ReferenceID: "ref-4", Status: "NOT_VERIFIED", Code: "DOB_MISMATCH", DocumentNumberMatch: "NOT_CLAIMED",
					NameMatch: "NOT_CLAIMED", DOBMatch: "MISMATCH", GenderMatch: "MISMATCH", ClaimsSource: "certificate"},
			}
			if g, w := fmt.Sprintf("%+v", rowsText(got.Data.Mismatched)), fmt.Sprintf("%+v", rowsText(wantRows)); g != w {
				t.Errorf("got mismatched rows\n%s\nwant\n%s", g, w)
			}
			if got.Data.RequestID != "done" || got.Data.Truncated {
				t.Errorf("got request_id %q truncated %v, want done, false", got.Data.RequestID, got.Data.Truncated)
			}
			for _, v := range personalData {
				if strings.Contains(body, v) {
					t.Errorf("the answer has %q, a claimed or document value: want none", v)
				}
			}
		})
	}
}

func TestBatchClaimsLimitsTheMismatchedRowsButCountsThemAll(t *testing.T) {
	t.Parallel()
	b := setupClaims(t, claimsOutput(t, func(s []string) []string { return s }))
	code, body := get(t, b.handler, "/v1/verification/batch/done/claims?limit=1")
	var got claimsAnswer
	json.Unmarshal([]byte(body), &got)
	if code != http.StatusOK || len(got.Data.Mismatched) != 1 || got.Data.Mismatched[0].RowNumber != 2 || !got.Data.Truncated {
		t.Fatalf("got HTTP %d %s, want 200 with row 2 only and truncated", code, body)
	}
	if c := got.Data.Fields["dob"]; c == nil || c.Mismatch != 1 || c.Match != 2 {
		t.Errorf("got dob counts %+v, want every row counted past the limit", c)
	}
}

func TestBatchClaimsOfAProviderWithoutClaimsReadsNoFile(t *testing.T) {
	t.Parallel()
	b := setupClaims(t, "")
	code, body := get(t, b.handler, "/v1/verification/batch/sila/claims")
	var got claimsAnswer
	json.Unmarshal([]byte(body), &got)
	if code != http.StatusOK || len(got.Data.Fields) != 0 || len(got.Data.Mismatched) != 0 {
		t.Errorf("got HTTP %d %s, want 200 with no fields and no rows", code, body)
	}
	if n := b.opened.Load(); n != 0 {
		t.Errorf("got %d opens of output.csv, want none", n)
	}
}

func TestBatchClaimsRefusals(t *testing.T) {
	t.Parallel()
	b := setupClaims(t, claimsOutput(t, func(s []string) []string { return s }))
	tests := []struct {
		name, path  string
		wantStatus  int
		wantSubCode string
	}{
		{"a batch still running is not finished", "/v1/verification/batch/running/claims", 409, bulkverify.EBatchNotFinished},
		{"an expired batch has no files", "/v1/verification/batch/expired/claims", 409, bulkverify.EBatchExpired},
		{"another tenant's batch is an invalid id", "/v1/verification/batch/theirs/claims", 422, bulkverify.EInvalidRequestID},
		{"an unknown batch is an invalid id", "/v1/verification/batch/nope/claims", 422, bulkverify.EInvalidRequestID},
		{"a limit of 0 is refused", "/v1/verification/batch/done/claims?limit=0", 400, bulkverify.EInvalidRequest},
		{"a limit above 1000 is refused", "/v1/verification/batch/done/claims?limit=1001", 400, bulkverify.EInvalidRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := get(t, b.handler, tt.path)
			var got claimsAnswer
			json.Unmarshal([]byte(body), &got)
			if code != tt.wantStatus || got.SubCode != tt.wantSubCode {
				t.Errorf("got HTTP %d %s, want %d %s", code, got.SubCode, tt.wantStatus, tt.wantSubCode)
			}
		})
	}
	if n := b.opened.Load(); n != 0 {
		t.Errorf("got %d opens of output.csv, want none for refused requests", n)
	}
}

func TestReadClaimsOfAnOutputWithoutClaimColumnsCountsNotClaimed(t *testing.T) {
	t.Parallel()
	const old = "row_number,reference_id,status,code,message\n1,a,VERIFIED,OK,ok\n2,b,FAILED,TOKEN_INVALID,bad\n"
	got, err := readClaims(strings.NewReader(old), []string{"name"}, 10)
	if err != nil {
		t.Fatal(err)
	}
	if c := got.Fields["name"]; *c != (claimCounts{NotClaimed: 2}) || len(got.Mismatched) != 0 {
		t.Errorf("got %+v and %d rows, want 2 NOT_CLAIMED and no row", c, len(got.Mismatched))
	}
	if _, err := readClaims(strings.NewReader("a,b\n1,2\n"), []string{"name"}, 10); err == nil {
		t.Errorf("a file without output.csv's columns: got no error, want one")
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// rowsText renders rows with their name_score values, not pointers.
func rowsText(rows []mismatchedRow) []string {
	var out []string
	for _, r := range rows {
		score := "null"
		if r.NameScore != nil {
			score = fmt.Sprint(*r.NameScore)
		}
		r.NameScore = nil
		out = append(out, fmt.Sprintf("%+v score=%s", r, score))
	}
	return out
}
