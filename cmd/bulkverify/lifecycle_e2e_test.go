package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/bulkverify/bulkverify/internal/redistest"
	"github.com/bulkverify/bulkverify/provider/digilocker"
	"github.com/bulkverify/bulkverify/storage"
)

// countingSim is the DigiLocker simulator behind a counter of the requests
// it answers and of when the last one came.
type countingSim struct {
	mu    sync.Mutex
	n     int
	files int // file downloads: one per row verified
	last  time.Time
	h     http.Handler
}

func (c *countingSim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	c.n++
	if strings.Contains(r.URL.Path, "/file/") {
		c.files++
	}
	c.last = time.Now()
	c.mu.Unlock()
	c.h.ServeHTTP(w, r)
}

func (c *countingSim) snapshot() (n, files int, last time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n, c.files, c.last
}

// lifecycleEnv is prodEnv with a counting simulator in front.
func lifecycleEnv(t *testing.T) (map[string]string, *countingSim) {
	env := prodEnv(t)
	sim := &countingSim{h: digilocker.NewSimulator(digilocker.SimConfig{ClientSecret: "test-secret"})}
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	env["BV_DIGILOCKER_BASE_URL"] = srv.URL
	env["BV_MAX_ATTEMPTS"] = "2"
	env["BV_WEBHOOK_ALLOW_HOSTS"] = "127.0.0.1"
	env["BV_WEBHOOK_SECRETS"] = "demo:" + demoWebhookSecret
	return env, sim
}

// form builds a multipart body with the CSV in fileField, for the
// Deepvue-shaped routes (batch_file), which the CLI does not use.
func form(fileField string, data []byte) (*bytes.Buffer, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, _ := mw.CreateFormFile(fileField, "batch.csv")
	fw.Write(data)
	mw.Close()
	return &b, mw.FormDataContentType()
}

// lifeStatus is the status data the lifecycle tests read.
type lifeStatus struct {
	statusBody
	ProcessedRows int               `json:"processed_rows"`
	RejectedRows  int               `json:"rejected_rows"`
	Duplicates    int               `json:"duplicates"`
	Codes         map[string]int    `json:"codes"`
	RowsPerSecond float64           `json:"rows_per_second"`
	ETASeconds    *int              `json:"eta_seconds"`
	CreatedAt     *time.Time        `json:"created_at"`
	StartedAt     *time.Time        `json:"started_at"`
	FinalizingAt  *time.Time        `json:"finalizing_at"`
	CompletedAt   *time.Time        `json:"completed_at"`
	CancellingAt  *time.Time        `json:"cancelling_at"`
	CancelledAt   *time.Time        `json:"cancelled_at"`
	FailedAt      *time.Time        `json:"failed_at"`
	ExpiresAt     *time.Time        `json:"expires_at"`
	FailureReason *string           `json:"failure_reason"`
	ParentID      *string           `json:"parent_request_id"`
	Metadata      map[string]string `json:"metadata"`
}

// getStatus reads the batch's status as tenant with the CLI's client.
func getStatus(t *testing.T, api, tenant, id string) lifeStatus {
	t.Helper()
	code, env := call(t, api, tenant, http.MethodGet, "/v1/verification/batch-processing-status?request_id="+id)
	if code != http.StatusOK || env.SubCode != "SUCCESS" {
		t.Fatalf("status of %s: got HTTP %d %s (%s), want 200 SUCCESS", id, code, env.SubCode, env.Message)
	}
	var st lifeStatus
	if err := json.Unmarshal(env.Data, &st); err != nil {
		t.Fatal(err)
	}
	return st
}

// waitFor polls the status until ok says so or within runs out.
func waitFor(t *testing.T, api, id string, within time.Duration, what string, ok func(lifeStatus) bool) lifeStatus {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		st := getStatus(t, api, "demo", id)
		if ok(st) {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("batch %s: not %s within %v: state %s, %d/%d rows", id, what, within, st.State, st.ProcessedRows, st.TotalRows)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func finished(st lifeStatus) bool { return st.Status == http.StatusOK }

// accept returns a check that an upload was accepted, giving its id.
func accept(t *testing.T) func(int, apiResponse) string {
	return func(code int, env apiResponse) string { t.Helper(); return acceptedID(t, code, env) }
}

func acceptedID(t *testing.T, code int, env apiResponse) string {
	t.Helper()
	if code != http.StatusAccepted {
		t.Fatalf("got HTTP %d %s (%s), want 202", code, env.SubCode, env.Message)
	}
	var d struct {
		RequestID string `json:"request_id"`
		State     string `json:"state"`
	}
	json.Unmarshal(env.Data, &d)
	if d.RequestID == "" || d.State != "queued" {
		t.Fatalf("202 data %s: want a request_id in state queued", env.Data)
	}
	return d.RequestID
}

// outputRows downloads a finished batch's output as row_number -> record.
func outputRows(t *testing.T, st lifeStatus) ([]int, map[int][]string) {
	t.Helper()
	recs, _ := fetchCSV(t, *st.OutputURL)
	var order []int
	rows := map[int][]string{}
	for _, rec := range recs[1:] {
		n, _ := strconv.Atoi(rec[0])
		if _, dup := rows[n]; dup {
			t.Fatalf("row %d appears twice in the output", n)
		}
		order = append(order, n)
		rows[n] = rec
	}
	return order, rows
}

func tokensCSV(tokens ...string) []byte {
	var b strings.Builder
	b.WriteString("reference_id,access_token,doctype\n")
	for i, tok := range tokens {
		fmt.Fprintf(&b, "ref-%d,%s,PANCR\n", i+1, tok)
	}
	return []byte(b.String())
}

func ordered(t *testing.T, names string, times ...*time.Time) {
	t.Helper()
	for i, tm := range times {
		if tm == nil {
			t.Fatalf("%s: timestamp %d of %s is null", names, i+1, names)
		}
		if i > 0 && tm.Before(*times[i-1]) {
			t.Errorf("%s: timestamp %d (%v) is before timestamp %d (%v)", names, i+1, tm, i, times[i-1])
		}
	}
}

// A cancel during a 3,000-row batch under 40 requests/s: the upstream sees
// nothing of it 5 s later, the batch ends cancelled within 60 s, and its
// output holds every row once, some verified and the rest CANCELLED.
func TestCancelStopsTheBatchAndKeepsItsRows(t *testing.T) {
	t.Parallel()
	env, sim := lifecycleEnv(t)
	env["BV_DIGILOCKER_RATE"] = "40"
	api := startProgram(t, []string{"serve"}, env)
	startProgram(t, []string{"work"}, env)
	tokens := make([]string, 3000)
	for i := range tokens {
		tokens[i] = fmt.Sprintf("verified-%05d", i+1)
	}
	id := accept(t)(uploadCSV(t, api, "demo", "digilocker", tokensCSV(tokens...), uploadOptions{}))
	waitFor(t, api, id, 30*time.Second, "processing 40 rows", func(st lifeStatus) bool {
		return st.State == "processing" && st.ProcessedRows >= 40
	})

	code, env2 := call(t, api, "demo", http.MethodPost, "/v1/verification/batch/"+id+"/retry")
	if code != http.StatusConflict || env2.SubCode != "BATCH_NOT_FINISHED" {
		t.Errorf("retry of a running batch: got HTTP %d %s, want 409 BATCH_NOT_FINISHED", code, env2.SubCode)
	}
	code, env2 = call(t, api, "other", http.MethodPost, "/v1/verification/batch/"+id+"/cancel")
	if code != http.StatusUnprocessableEntity || env2.SubCode != "INVALID_REQUEST_ID" {
		t.Errorf("another tenant's cancel: got HTTP %d %s, want 422 INVALID_REQUEST_ID", code, env2.SubCode)
	}

	cancelAt := time.Now()
	code, env2 = call(t, api, "demo", http.MethodPost, "/v1/verification/batch/"+id+"/cancel")
	var st lifeStatus
	json.Unmarshal(env2.Data, &st)
	if code != http.StatusAccepted || (st.State != "cancelling" && st.State != "cancelled") || st.CancellingAt == nil {
		t.Fatalf("cancel: got HTTP %d, state %s, cancelling_at %v; want 202, cancelling with its time", code, st.State, st.CancellingAt)
	}
	code, _ = call(t, api, "demo", http.MethodPost, "/v1/verification/batch/"+id+"/cancel")
	if code != http.StatusAccepted {
		t.Errorf("second cancel: got HTTP %d, want 202 (the same answer)", code)
	}

	st = waitFor(t, api, id, 60*time.Second, "cancelled", finished)
	if st.State != "cancelled" || st.Message != "batch processing cancelled" || st.OutputURL == nil || st.CancelledAt == nil {
		t.Fatalf("got state %s, message %q, URL %v; want cancelled, \"batch processing cancelled\", a URL", st.State, st.Message, st.OutputURL)
	}
	ordered(t, "created, started, cancelling, cancelled", st.CreatedAt, st.StartedAt, st.CancellingAt, st.CancelledAt)
	order, rows := outputRows(t, st)
	if len(order) != 3000 {
		t.Fatalf("output has %d rows, want 3000", len(order))
	}
	verified, cancelled := 0, 0
	for i, n := range order {
		if n != i+1 {
			t.Fatalf("output line %d is row %d, want %d", i+2, n, i+1)
		}
		switch rec := rows[n]; rec[2] + "/" + rec[3] {
		case "VERIFIED/OK":
			verified++
		case "FAILED/CANCELLED":
			cancelled++
			if rec[5] != "true" {
				t.Errorf("row %d: CANCELLED with retryable %s, want true", n, rec[5])
			}
		default:
			t.Errorf("row %d: got %s/%s, want VERIFIED/OK or FAILED/CANCELLED", n, rec[2], rec[3])
		}
	}
	if verified < 40 || cancelled < 1000 || verified+cancelled != 3000 {
		t.Errorf("got %d verified and %d cancelled rows, want at least 40 verified and most cancelled", verified, cancelled)
	}
	if st.Verified != verified || st.Failed != cancelled || st.Codes["CANCELLED"] != cancelled {
		t.Errorf("status counts %d verified, %d failed, codes %v; want %d, %d", st.Verified, st.Failed, st.Codes, verified, cancelled)
	}
	_, _, last := sim.snapshot()
	if d := last.Sub(cancelAt); d > 5*time.Second {
		t.Errorf("the upstream got a request %v after the cancel, want none after 5s", d)
	}
	code, env2 = call(t, api, "demo", http.MethodPost, "/v1/verification/batch/"+id+"/cancel")
	if code != http.StatusAccepted {
		t.Errorf("cancel of a cancelled batch: got HTTP %d %s, want 202 (the same answer)", code, env2.SubCode)
	}
	t.Logf("cancelled after %d rows verified; upstream quiet %v after the cancel", verified, last.Sub(cancelAt))
}

// Retry makes a child of exactly the retryable rows, numbered as in the
// parent; the conflict cases answer as specified.
func TestRetryMakesAChildOfTheRetryableRows(t *testing.T) {
	t.Parallel()
	env, _ := lifecycleEnv(t)
	api := startProgram(t, []string{"serve"}, env)
	startProgram(t, []string{"work"}, env)
	// rows 2 and 5 are down (UPSTREAM_UNAVAILABLE, retryable); 3 has an
	// invalid token (TOKEN_INVALID); 4 has none (INVALID_ROW).
	data := tokensCSV("verified-00001", "down-00002", "invalid-00003", "", "down-00005", "verified-00006")
	parent := accept(t)(uploadCSV(t, api, "demo", "digilocker", data, uploadOptions{}))
	pst := waitFor(t, api, parent, time.Minute, "finished", finished)
	if pst.State != "completed" || pst.Codes["UPSTREAM_UNAVAILABLE"] != 2 {
		t.Fatalf("parent: got state %s, codes %v; want completed with 2 UPSTREAM_UNAVAILABLE", pst.State, pst.Codes)
	}
	ordered(t, "created, started, finalizing, completed", pst.CreatedAt, pst.StartedAt, pst.FinalizingAt, pst.CompletedAt)

	code, env2 := call(t, api, "demo", http.MethodPost, "/v1/verification/batch/"+parent+"/cancel")
	if code != http.StatusConflict || env2.SubCode != "BATCH_FINISHED" {
		t.Errorf("cancel of a completed batch: got HTTP %d %s, want 409 BATCH_FINISHED", code, env2.SubCode)
	}
	code, env2 = call(t, api, "demo", http.MethodPost, "/v1/verification/batch/"+parent+"/retry?codes=NAME_MISMATCH")
	if code != http.StatusBadRequest || env2.SubCode != "NOTHING_TO_RETRY" {
		t.Errorf("retry of a code no row has: got HTTP %d %s, want 400 NOTHING_TO_RETRY", code, env2.SubCode)
	}
	code, env2 = call(t, api, "other", http.MethodPost, "/v1/verification/batch/"+parent+"/retry")
	if code != http.StatusUnprocessableEntity || env2.SubCode != "INVALID_REQUEST_ID" {
		t.Errorf("another tenant's retry: got HTTP %d %s, want 422 INVALID_REQUEST_ID", code, env2.SubCode)
	}

	child := accept(t)(call(t, api, "demo", http.MethodPost, "/v1/verification/batch/"+parent+"/retry?codes=UPSTREAM_UNAVAILABLE"))
	cst := waitFor(t, api, child, time.Minute, "finished", finished)
	if cst.ParentID == nil || *cst.ParentID != parent || cst.TotalRows != 2 {
		t.Fatalf("child: got parent %v, %d rows; want %s, 2 rows", cst.ParentID, cst.TotalRows, parent)
	}
	order, rows := outputRows(t, cst)
	if fmt.Sprint(order) != "[2 5]" {
		t.Fatalf("child output rows %v, want [2 5] (the parent's numbers)", order)
	}
	for _, n := range order {
		if rows[n][1] != fmt.Sprintf("ref-%d", n) || rows[n][3] != "UPSTREAM_UNAVAILABLE" {
			t.Errorf("child row %d: got reference %q, code %s; want ref-%d, UPSTREAM_UNAVAILABLE (still down)", n, rows[n][1], rows[n][3], n)
		}
	}
	code, env2 = call(t, api, "demo", http.MethodPost, "/v1/verification/batch/"+child+"/retry?codes=TOKEN_INVALID")
	if code != http.StatusBadRequest || env2.SubCode != "NOTHING_TO_RETRY" {
		t.Errorf("retry of TOKEN_INVALID (never retryable): got HTTP %d %s, want 400 NOTHING_TO_RETRY", code, env2.SubCode)
	}
}

// 20 distinct rows repeated 3 times are verified 20 times; every copy gets
// the result; metadata comes back.
func TestDuplicateRowsAreVerifiedOnce(t *testing.T) {
	t.Parallel()
	env, sim := lifecycleEnv(t)
	env["BV_CHUNK_SIZE"] = "7" // copies in other chunks than their first
	api := startProgram(t, []string{"serve"}, env)
	startProgram(t, []string{"work"}, env)
	var tokens []string
	for range 3 {
		for i := 1; i <= 20; i++ {
			tokens = append(tokens, fmt.Sprintf("verified-%05d", i))
		}
	}
	id := accept(t)(uploadCSV(t, api, "demo", "digilocker", tokensCSV(tokens...), uploadOptions{metadata: map[string]string{"team": "ops", "source": "crm"}}))
	st := waitFor(t, api, id, time.Minute, "finished", finished)
	if st.State != "completed" || st.Duplicates != 40 || st.Verified != 60 {
		t.Errorf("got state %s, %d duplicates, %d verified; want completed, 40, 60", st.State, st.Duplicates, st.Verified)
	}
	if _, files, _ := sim.snapshot(); files != 20 {
		t.Errorf("the upstream served %d files, want 20 (one per distinct row)", files)
	}
	if st.Metadata["team"] != "ops" || st.Metadata["source"] != "crm" {
		t.Errorf("got metadata %v, want team=ops source=crm", st.Metadata)
	}
	order, rows := outputRows(t, st)
	if len(order) != 60 {
		t.Fatalf("output has %d rows, want 60", len(order))
	}
	for n := 21; n <= 60; n++ {
		if rows[n][2] != "VERIFIED" || rows[n][1] != fmt.Sprintf("ref-%d", n) || rows[n][8] != rows[(n-1)%20+1][8] {
			t.Errorf("copy row %d: got %s, reference %q, document %q; want VERIFIED, ref-%d, the first copy's document", n, rows[n][2], rows[n][1], rows[n][8], n)
		}
	}
}

// A 60%-bad batch with max_failure_rate=0.3 stops: failed, every row once,
// the reason names the rate and the commonest code.
func TestFailureThresholdStopsTheBatch(t *testing.T) {
	t.Parallel()
	env, _ := lifecycleEnv(t)
	env["BV_CHUNK_SIZE"] = "20"
	env["BV_BATCH_WINDOW"] = "2"
	env["BV_DIGILOCKER_RATE"] = "200"
	api := startProgram(t, []string{"serve"}, env)
	startProgram(t, []string{"work"}, env)
	tokens := make([]string, 1000)
	for i := range tokens {
		acct := "verified"
		if i%5 < 3 {
			acct = "invalid"
		}
		tokens[i] = fmt.Sprintf("%s-%05d", acct, i+1)
	}
	code, env2 := uploadCSV(t, api, "demo", "digilocker", tokensCSV(tokens...), uploadOptions{maxFailureRate: "1.5"})
	if code != http.StatusBadRequest || env2.SubCode != "INVALID_REQUEST" || !strings.Contains(env2.Message, "max_failure_rate") {
		t.Errorf("max_failure_rate=1.5: got HTTP %d %s (%s), want 400 INVALID_REQUEST naming it", code, env2.SubCode, env2.Message)
	}
	id := accept(t)(uploadCSV(t, api, "demo", "digilocker", tokensCSV(tokens...), uploadOptions{maxFailureRate: "0.3"}))
	st := waitFor(t, api, id, time.Minute, "finished", finished)
	if st.State != "failed" || st.Message != "batch processing failed" || st.FailureReason == nil || st.FailedAt == nil {
		t.Fatalf("got state %s, message %q, reason %v; want failed with a reason", st.State, st.Message, st.FailureReason)
	}
	if !strings.Contains(*st.FailureReason, "TOKEN_INVALID") || !strings.Contains(*st.FailureReason, "0.3") {
		t.Errorf("failure_reason %q names neither the commonest code nor the threshold", *st.FailureReason)
	}
	order, rows := outputRows(t, st)
	if len(order) != 1000 {
		t.Fatalf("output has %d rows, want 1000", len(order))
	}
	aborted := 0
	for _, n := range order {
		if rows[n][3] == "BATCH_ABORTED" {
			aborted++
		}
	}
	if aborted == 0 || st.Codes["BATCH_ABORTED"] != aborted {
		t.Errorf("got %d BATCH_ABORTED rows (status says %d), want some: the batch must stop early", aborted, st.Codes["BATCH_ABORTED"])
	}
	ordered(t, "created, started, failed", st.CreatedAt, st.StartedAt, st.FailedAt)
	t.Logf("stopped with %d of 1000 rows aborted: %s", aborted, *st.FailureReason)
}

// The list: pagination edges, filters, order and tenant isolation.
func TestListPaginatesFiltersAndIsolatesTenants(t *testing.T) {
	t.Parallel()
	env, _ := lifecycleEnv(t)
	api := startProgram(t, []string{"serve"}, env)
	var ids []string
	for i := range 5 {
		ids = append(ids, accept(t)(uploadCSV(t, api, "demo", "digilocker", tokensCSV(fmt.Sprintf("verified-%05d", i)), uploadOptions{})))
	}
	accept(t)(uploadCSV(t, api, "other", "digilocker", tokensCSV("verified-00099"), uploadOptions{}))
	if _, err := tenantAPI(api, "demo").do(context.Background(), http.MethodPost, "/v1/verification/batch/"+ids[1]+"/cancel", nil, "", nil); err != nil {
		t.Fatal(err)
	}
	type listData struct {
		Batches []struct {
			RequestID string  `json:"request_id"`
			State     string  `json:"state"`
			OutputURL *string `json:"batch_output_file_url"`
		} `json:"batches"`
		Pagination struct {
			Returned    int `json:"returned_count"`
			Total       int `json:"total_count"`
			CurrentPage int `json:"current_page"`
			TotalPages  int `json:"total_pages"`
		} `json:"pagination"`
	}
	list := func(tenant, query string) listData {
		t.Helper()
		code, env := call(t, api, tenant, http.MethodGet, "/v1/verification/batches?"+query)
		if code != http.StatusOK {
			t.Fatalf("list ?%s: got HTTP %d %s (%s)", query, code, env.SubCode, env.Message)
		}
		var d listData
		json.Unmarshal(env.Data, &d)
		return d
	}
	idsOf := func(d listData) string {
		var out []string
		for _, b := range d.Batches {
			out = append(out, b.RequestID)
		}
		return strings.Join(out, ",")
	}
	tests := []struct {
		name, query, want string
		total, pages      int
	}{
		{"the default is newest first", "", strings.Join([]string{ids[4], ids[3], ids[2], ids[1], ids[0]}, ","), 5, 1},
		{"a page of two", "per_page=2&page=2", ids[2] + "," + ids[1], 5, 3},
		{"the last page holds the rest", "per_page=2&page=3", ids[0], 5, 3},
		{"a page past the end is empty", "per_page=2&page=4", "", 5, 3},
		{"order=asc is oldest first", "per_page=2&order=asc", ids[0] + "," + ids[1], 5, 3},
		{"state filters", "state=cancelling", ids[1], 1, 1},
		{"state and paging together", "state=queued&per_page=1&page=4", ids[0], 4, 4},
		{"provider filters", "provider=sila", "", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := list("demo", tt.query)
			if got := idsOf(d); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
			if d.Pagination.Total != tt.total || d.Pagination.TotalPages != tt.pages || d.Pagination.Returned != len(d.Batches) {
				t.Errorf("got pagination %+v, want total %d, %d pages", d.Pagination, tt.total, tt.pages)
			}
		})
	}
	if d := list("other", ""); d.Pagination.Total != 1 || strings.Contains(idsOf(d), ids[0]) {
		t.Errorf("other tenant sees %s (total %d), want only its own batch", idsOf(d), d.Pagination.Total)
	}
	for _, bad := range []string{"page=0", "per_page=101", "order=up", "state=done", "provider=nope", "page=x"} {
		code, env := call(t, api, "demo", http.MethodGet, "/v1/verification/batches?"+bad)
		name, _, _ := strings.Cut(bad, "=")
		if code != http.StatusBadRequest || env.SubCode != "INVALID_REQUEST" || !strings.Contains(env.Message, name) {
			t.Errorf("?%s: got HTTP %d %s (%s), want 400 INVALID_REQUEST naming %s", bad, code, env.SubCode, env.Message, name)
		}
	}
	var raw map[string]any
	_, env2 := call(t, api, "demo", http.MethodGet, "/v1/verification/batches?per_page=1")
	json.Unmarshal(env2.Data, &raw)
	item := raw["batches"].([]any)[0].(map[string]any)
	if _, ok := item["batch_output_file_url"]; ok {
		t.Error("a listed batch carries batch_output_file_url; the list gives status data without URLs")
	}
}

// Idempotency-Key: the same file gets the first batch; another file 409.
// A dry run reports row problems and stores and queues nothing.
func TestIdempotencyKeyAndDryRun(t *testing.T) {
	t.Parallel()
	env, _ := lifecycleEnv(t)
	api := startProgram(t, []string{"serve"}, env)
	rdb := redistest.Connect(t, env["BV_REDIS_URL"])

	data := tokensCSV("verified-00001", "", "verified-00003")
	code, env2 := uploadCSV(t, api, "demo", "digilocker", data, uploadOptions{dryRun: true})
	var dry struct {
		DryRun       bool `json:"dry_run"`
		TotalRows    int  `json:"total_rows"`
		RejectedRows int  `json:"rejected_rows"`
		Problems     []struct {
			RowNumber int    `json:"row_number"`
			Column    string `json:"column"`
			Reason    string `json:"reason"`
		} `json:"problems"`
	}
	json.Unmarshal(env2.Data, &dry)
	if code != http.StatusOK || !dry.DryRun || dry.TotalRows != 3 || dry.RejectedRows != 1 || len(dry.Problems) != 1 ||
		dry.Problems[0].RowNumber != 2 || dry.Problems[0].Column != "access_token" {
		t.Errorf("dry run: got HTTP %d %s, want 200 with 3 rows, row 2's access_token at fault", code, env2.Data)
	}
	if keys, _ := rdb.Keys(context.Background(), storage.KeyPrefix+"*").Result(); len(keys) != 0 {
		t.Errorf("a dry run left Redis keys %v", keys)
	}
	if objs := listObjects(t, env); len(objs) != 0 {
		t.Errorf("a dry run stored objects %v", objs)
	}

	first := accept(t)(uploadCSV(t, api, "demo", "digilocker", data, uploadOptions{idemKey: "key-1"}))
	code, env2 = uploadCSV(t, api, "demo", "digilocker", data, uploadOptions{idemKey: "key-1"})
	if again := acceptedID(t, code, env2); again != first {
		t.Errorf("the same key and file: got batch %s, want %s", again, first)
	}
	code, env2 = uploadCSV(t, api, "demo", "digilocker", tokensCSV("verified-00009"), uploadOptions{idemKey: "key-1"})
	if code != http.StatusConflict || env2.SubCode != "IDEMPOTENCY_KEY_REUSED" {
		t.Errorf("the same key with another file: got HTTP %d %s, want 409 IDEMPOTENCY_KEY_REUSED", code, env2.SubCode)
	}
}

func listObjects(t *testing.T, env map[string]string) []string {
	t.Helper()
	client, err := storage.NewS3Client(context.Background(), storage.S3Options{Endpoint: env["BV_S3_ENDPOINT"], Region: "us-east-1", PathStyle: true, StaticKey: "test", StaticSecret: "test"})
	if err != nil {
		t.Fatal(err)
	}
	out, err := client.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: strPtr("bulkverify")})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, o := range out.Contents {
		keys = append(keys, *o.Key)
	}
	return keys
}

func strPtr(s string) *string { return &s }

// A Deepvue client's upload: the provider in the path, the CSV in
// batch_file, Deepvue's 201 body; the request_id polls to 200 through the
// seed's status route.
func TestDeepvueShapedUpload(t *testing.T) {
	t.Parallel()
	env, _ := lifecycleEnv(t)
	api := startProgram(t, []string{"serve"}, env)
	startProgram(t, []string{"work"}, env)
	body, ct := form("batch_file", tokensCSV("verified-00001", "missing-00002"))
	req, _ := http.NewRequest(http.MethodPost, api+"/v1/verification/digilocker/batch?webhook_url="+url.QueryEscape("http://127.0.0.1:9/hook"), body)
	req.Header.Set("client-id", "demo")
	req.Header.Set("x-api-key", "demo-secret")
	req.Header.Set("Content-Type", ct)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got map[string]any
	json.NewDecoder(resp.Body).Decode(&got)
	if resp.StatusCode != http.StatusCreated || got["code"] != float64(201) || got["sub_code"] != "SUCCESS" ||
		got["message"] != "batch processing in progress" || got["output_batch_file"] != "" || len(got) != 7 {
		t.Fatalf("got HTTP %d %v, want Deepvue's 201 body", resp.StatusCode, got)
	}
	id, _ := got["request_id"].(string)
	st := waitCompleted(t, api, id, time.Minute)
	if st.Verified != 1 || st.NotVerif != 1 {
		t.Errorf("got %d verified, %d not verified; want 1 and 1", st.Verified, st.NotVerif)
	}
	if lst := getStatus(t, api, "demo", id); lst.statusBody.State != "completed" {
		t.Errorf("got state %s", lst.State)
	}
}
