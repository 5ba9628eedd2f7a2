package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/internal/redistest"
	"github.com/bulkverify/bulkverify/jobs"
	"github.com/bulkverify/bulkverify/provider/digilocker"
	"github.com/bulkverify/bulkverify/storage"
)

// e2eParallel is how many tests run at once unless -parallel says: the
// end-to-end tests mostly wait (on rate limits, timers and other
// processes), so more of them than there are CPUs.
const e2eParallel = 8

func TestMain(m *testing.M) {
	flag.Parse()
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	if !given {
		flag.Set("test.parallel", strconv.Itoa(e2eParallel))
	}
	redistest.Main(m)
}

// testDataKey is BV_DATA_KEY of the tests' serve and work processes.
var testDataKey = base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32))

// startProgram runs the real program with args and env until the test ends
// and returns the API URL it prints, if it serves one.
func startProgram(t *testing.T, args []string, env map[string]string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan struct{})
	var runErr error // set before done is closed
	go func() {
		runErr = run(ctx, args, func(k string) string { return env[k] }, pw)
		pw.Close()
		close(done)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
		if runErr != nil {
			t.Errorf("bulkverify %s exited with %v", args[0], runErr)
		}
	})
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "api: "); ok {
				urls <- u
			}
		}
	}()
	if args[0] == "work" {
		return ""
	}
	select {
	case u := <-urls:
		return u
	case <-done:
		t.Fatalf("bulkverify %s exited before serving: %v", args[0], runErr)
	case <-time.After(30 * time.Second):
		t.Fatalf("bulkverify %s printed no API URL within 30s", args[0])
	}
	return ""
}

// outcome is what a generated row must end as.
type outcome struct {
	status bulkverify.Status
	code   bulkverify.Code
}

// rowCase builds one kind of DigiLocker row and says how it must end.
type rowCase struct {
	account, doctype, name, dob string
	want                        outcome
}

var digilockerCases = []rowCase{
	{digilocker.AccountVerified, "PANCR", "", "", outcome{bulkverify.StatusVerified, bulkverify.CodeOK}},
	{digilocker.AccountVerified, "DRVLC", "s.  KUMAR", "31121970", outcome{bulkverify.StatusVerified, bulkverify.CodeOK}},
	{digilocker.AccountVerified, "ADHAR", "Ajit Kumar", "", outcome{bulkverify.StatusNotVerified, bulkverify.CodeNameMismatch}},
	{digilocker.AccountVerified, "PANCR", "", "01011990", outcome{bulkverify.StatusNotVerified, bulkverify.CodeDOBMismatch}},
	{digilocker.AccountMissing, "PANCR", "", "", outcome{bulkverify.StatusNotVerified, bulkverify.CodeDocumentNotFound}},
	{digilocker.AccountTampered, "PANCR", "", "", outcome{bulkverify.StatusNotVerified, bulkverify.CodeIntegrityFailed}},
	{digilocker.AccountInvalid, "PANCR", "", "", outcome{bulkverify.StatusFailed, bulkverify.CodeTokenInvalid}},
	{digilocker.AccountNoScope, "PANCR", "", "", outcome{bulkverify.StatusFailed, bulkverify.CodeConsentRequired}},
	{digilocker.AccountGone, "PANCR", "", "", outcome{bulkverify.StatusNotVerified, bulkverify.CodeDocumentNotFound}},
	{digilocker.AccountFlaky, "PANCR", "", "", outcome{bulkverify.StatusVerified, bulkverify.CodeOK}},
	{digilocker.AccountDown, "PANCR", "", "", outcome{bulkverify.StatusFailed, bulkverify.CodeUpstreamUnavailable}},
	{"", "PANCR", "", "", outcome{bulkverify.StatusFailed, bulkverify.CodeInvalidRow}},                                   // no token
	{digilocker.AccountVerified, "PANCR", "", "1970-12-31", outcome{bulkverify.StatusFailed, bulkverify.CodeInvalidRow}}, // bad dob
}

// digilockerBatch returns a CSV of n rows cycling through digilockerCases and
// the outcome each row must have, by row number.
func digilockerBatch(n int) ([]byte, map[int]outcome, map[int]string) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"reference_id", "access_token", "doctype", "name", "dob"})
	want, refs := map[int]outcome{}, map[int]string{}
	for i := 1; i <= n; i++ {
		c := digilockerCases[(i-1)%len(digilockerCases)]
		token := ""
		if c.account != "" {
			token = fmt.Sprintf("%s-%05d", c.account, i)
		}
		ref := fmt.Sprintf("ref-%d", i)
		if i%500 == 0 {
			ref = fmt.Sprintf("=HYPERLINK(\"http://x\",\"%d\")", i) // must come out defused
		}
		w.Write([]string{ref, token, c.doctype, c.name, c.dob})
		want[i], refs[i] = c.want, ref
	}
	w.Flush()
	return b.Bytes(), want, refs
}

// tenantAPI returns the CLI's own client of the API at api, signed in as
// tenant, whose secret is tenant+"-secret" in every test's BV_CLIENTS.
func tenantAPI(api, tenant string) *apiClient {
	return &apiClient{base: api, clientID: tenant, apiKey: tenant + "-secret", http: &http.Client{Timeout: 5 * time.Minute}}
}

// call sends a bodiless request as tenant with the CLI's client and returns
// the HTTP status and the envelope, whatever the status.
func call(t *testing.T, api, tenant, method, path string) (int, apiResponse) {
	t.Helper()
	return answer(t)(tenantAPI(api, tenant).send(context.Background(), method, path, nil, "", nil))
}

// uploadCSV uploads data to provider as tenant with the CLI's client, the
// options' fields before the file, and returns the status and envelope.
func uploadCSV(t *testing.T, api, tenant, provider string, data []byte, o uploadOptions) (int, apiResponse) {
	t.Helper()
	return answer(t)(tenantAPI(api, tenant).sendUpload(context.Background(), "batch.csv", bytes.NewReader(data), provider, o))
}

// answer fails t when a request got no readable answer.
func answer(t *testing.T) func(int, *apiResponse, error) (int, apiResponse) {
	return func(code int, resp *apiResponse, err error) (int, apiResponse) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return code, *resp
	}
}

type statusBody struct {
	RequestID  string  `json:"request_id"`
	Status     int     `json:"status"`
	ProductID  string  `json:"product_id"`
	Message    string  `json:"message"`
	OutputURL  *string `json:"batch_output_file_url"`
	ErrorURL   *string `json:"batch_error_file_url"`
	State      string  `json:"state"`
	TotalRows  int     `json:"total_rows"`
	Verified   int     `json:"verified"`
	NotVerif   int     `json:"not_verified"`
	Failed     int     `json:"failed"`
	Percent    float64 `json:"percent_complete"`
	Chunks     int     `json:"chunks"`
	DoneChunks int     `json:"done_chunks"`
}

// waitCompleted waits for the batch to complete, checking every in-progress
// answer on the way.
func waitCompleted(t *testing.T, api, id string, within time.Duration) statusBody {
	t.Helper()
	st := waitFor(t, api, id, within, "completed", func(st lifeStatus) bool {
		if st.Status != http.StatusOK && (st.Status != http.StatusCreated || st.Message != "batch processing in progress" || st.OutputURL != nil) {
			t.Fatalf("in-progress status is %d %q with URL %v, want 201, \"batch processing in progress\", null", st.Status, st.Message, st.OutputURL)
		}
		return finished(st)
	})
	if st.Message != "batch processing completed" || st.OutputURL == nil {
		t.Fatalf("completed status has message %q and URL %v", st.Message, st.OutputURL)
	}
	return st.statusBody
}

// fetchCSV downloads u as the CLI's submit --out does and parses it.
func fetchCSV(t *testing.T, u string) ([][]string, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "download.csv")
	if err := download(context.Background(), u, path); err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("parse downloaded CSV: %v", err)
	}
	return recs, string(body)
}

var tokenPattern = regexp.MustCompile(`\b(verified|missing|tampered|invalid|noscope|gone|flaky|down)-\d{5}\b`)

// checkOutputs asserts that every input row appears exactly once, in order,
// with its expected status and code, and that errors.csv holds exactly the
// FAILED rows.
func checkOutputs(t *testing.T, st statusBody, want map[int]outcome, refs map[int]string) {
	t.Helper()
	out, raw := fetchCSV(t, *st.OutputURL)
	if got := strings.Join(out[0][:5], ","); got != "row_number,reference_id,status,code,message" {
		t.Fatalf("output header starts %q", got)
	}
	if len(out)-1 != len(want) {
		t.Fatalf("output has %d rows, want %d", len(out)-1, len(want))
	}
	if m := tokenPattern.FindString(raw); m != "" {
		t.Errorf("output contains access token %q", m)
	}
	var counts [3]int
	failed := map[int]bool{}
	for i, rec := range out[1:] {
		n, _ := strconv.Atoi(rec[0])
		if n != i+1 {
			t.Fatalf("output line %d is row %q, want %d", i+2, rec[0], i+1)
		}
		w := want[n]
		if bulkverify.Status(rec[2]) != w.status || bulkverify.Code(rec[3]) != w.code {
			t.Errorf("row %d: got %s/%s (%s), want %s/%s", n, rec[2], rec[3], rec[4], w.status, w.code)
		}
		wantRef := refs[n]
		if strings.HasPrefix(wantRef, "=") {
			wantRef = "'" + wantRef
		}
		if rec[1] != wantRef {
			t.Errorf("row %d: got reference_id %q, want %q", n, rec[1], wantRef)
		}
		switch w.status {
		case bulkverify.StatusVerified:
			counts[0]++
		case bulkverify.StatusNotVerified:
			counts[1]++
		default:
			counts[2]++
			failed[n] = true
		}
	}
	if st.Verified != counts[0] || st.NotVerif != counts[1] || st.Failed != counts[2] || st.TotalRows != len(want) {
		t.Errorf("status counts %d/%d/%d of %d, want %d/%d/%d of %d", st.Verified, st.NotVerif, st.Failed, st.TotalRows, counts[0], counts[1], counts[2], len(want))
	}
	errs, _ := fetchCSV(t, *st.ErrorURL)
	if got := strings.Join(errs[0], ","); got != "row_number,reference_id,code,message,retryable" {
		t.Fatalf("errors.csv header is %q", got)
	}
	if len(errs)-1 != len(failed) {
		t.Errorf("errors.csv has %d rows, want the %d FAILED rows", len(errs)-1, len(failed))
	}
	for _, rec := range errs[1:] {
		n, _ := strconv.Atoi(rec[0])
		if !failed[n] {
			t.Errorf("errors.csv holds row %d, which is not FAILED", n)
		}
		delete(failed, n)
		if wantRetry := want[n].code == bulkverify.CodeUpstreamUnavailable; rec[4] != strconv.FormatBool(wantRetry) {
			t.Errorf("errors.csv row %d (%s): retryable %s, want %v", n, rec[2], rec[4], wantRetry)
		}
	}
	if len(failed) > 0 {
		t.Errorf("errors.csv misses %d FAILED rows", len(failed))
	}
}

func TestDevRunsA2000RowDigiLockerBatchEndToEnd(t *testing.T) {
	t.Parallel()
	api := startProgram(t, []string{"dev"}, map[string]string{
		"BV_REDIS_URL":    redistest.DB(t),
		"BV_HTTP_ADDR":    "127.0.0.1:0",
		"BV_LOG_LEVEL":    "warn",
		"BV_MAX_ATTEMPTS": "3",
		// Well above what the test needs, but every request still takes a
		// token of the global limiter.
		"BV_DIGILOCKER_RATE": "2000",
	})
	data, want, refs := digilockerBatch(2000)
	id := accept(t)(uploadCSV(t, api, "demo", "digilocker", data, uploadOptions{}))
	st := waitCompleted(t, api, id, 2*time.Minute)
	if st.RequestID != id || st.ProductID != "digilocker" || st.State != "completed" || st.Percent != 100 {
		t.Errorf("completed status: %+v", st)
	}
	checkOutputs(t, st, want, refs)
}

// prodEnv starts a real-HTTP S3 (with its bucket) and the DigiLocker
// simulator, and returns the environment of serve and work.
func prodEnv(t *testing.T) map[string]string {
	s3 := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	t.Cleanup(s3.Close)
	sim := httptest.NewServer(digilocker.NewSimulator(digilocker.SimConfig{ClientSecret: "test-secret"}))
	t.Cleanup(sim.Close)
	env := map[string]string{
		"BV_REDIS_URL":                redistest.DB(t),
		"BV_HTTP_ADDR":                "127.0.0.1:0",
		"BV_LOG_LEVEL":                "warn",
		"BV_METRICS_ADDR":             "127.0.0.1:0",
		"BV_CLIENTS":                  "demo:demo-secret,other:other-secret",
		"BV_S3_ENDPOINT":              s3.URL,
		"BV_S3_ACCESS_KEY_ID":         "test",
		"BV_S3_SECRET_ACCESS_KEY":     "test",
		"BV_DIGILOCKER_BASE_URL":      sim.URL,
		"BV_DIGILOCKER_CLIENT_SECRET": "test-secret",
		"BV_MAX_ATTEMPTS":             "3",
		"BV_DIGILOCKER_RATE":          "2000",
		"BV_DATA_KEY":                 testDataKey,
	}
	client, err := storage.NewS3Client(context.Background(), storage.S3Options{Endpoint: s3.URL, Region: "us-east-1", PathStyle: true, StaticKey: "test", StaticSecret: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if err := storage.NewBucket(client, "bulkverify").EnsureBucket(context.Background(), true); err != nil {
		t.Fatal(err)
	}
	return env
}

// Every chunk task is delivered twice, possibly at the same time, by
// separate serve and work processes: the output has each row once and the
// counts are those of one delivery.
func TestRedeliveredChunksAreCountedOnce(t *testing.T) {
	t.Parallel()
	env := prodEnv(t)
	env["BV_BATCH_WINDOW"] = "20" // release every chunk at once, to duplicate them all
	api := startProgram(t, []string{"serve"}, env)
	data, want, refs := digilockerBatch(2000)
	id := accept(t)(uploadCSV(t, api, "demo", "digilocker", data, uploadOptions{}))

	rdb := redistest.Connect(t, env["BV_REDIS_URL"])
	insp := asynq.NewInspectorFromRedisClient(rdb)
	pending, err := insp.ListPendingTasks(jobs.QueueChunks, asynq.PageSize(1000))
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 20 {
		t.Fatalf("got %d pending chunk tasks, want 20", len(pending))
	}
	client := asynq.NewClientFromRedisClient(rdb)
	for _, task := range pending {
		if _, err := client.Enqueue(asynq.NewTask(task.Type, task.Payload), asynq.Queue(jobs.QueueChunks)); err != nil {
			t.Fatal(err)
		}
	}
	startProgram(t, []string{"work"}, env)
	st := waitCompleted(t, api, id, 2*time.Minute)
	if st.Chunks != 20 || st.DoneChunks != 20 {
		t.Errorf("got %d of %d chunks done, want 20 of 20", st.DoneChunks, st.Chunks)
	}
	checkOutputs(t, st, want, refs)
}

func TestMalformedUploadsAreRejectedAndQueueNothing(t *testing.T) {
	t.Parallel()
	env := prodEnv(t)
	api := startProgram(t, []string{"serve"}, env)
	tests := []struct {
		name, body, subCode string
		wantIn              []string
	}{
		{"a missing required column", "access_token,name\nverified-1,x\n", "MISSING_COLUMN", []string{"line 1", "doctype"}},
		{"an unbalanced quote", "access_token,doctype\nverified-1,PANCR\nverified-2,\"PANCR\nverified-3,PANCR\n", "INVALID_FILE", []string{"line 3", "never closed"}},
		{"an empty file", "", "EMPTY_FILE", []string{"empty"}},
		{"a binary file", "\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00>\x00", "INVALID_FILE", []string{"line 1", "binary"}},
	}
	for _, tt := range tests {
		t.Run(tt.name+" gets a 400 that names it", func(t *testing.T) {
			code, env := uploadCSV(t, api, "demo", "digilocker", []byte(tt.body), uploadOptions{})
			if code != http.StatusBadRequest || env.SubCode != tt.subCode {
				t.Fatalf("got HTTP %d %s (%s), want 400 %s", code, env.SubCode, env.Message, tt.subCode)
			}
			for _, s := range tt.wantIn {
				if !strings.Contains(env.Message, s) {
					t.Errorf("message %q does not mention %q", env.Message, s)
				}
			}
		})
	}
	t.Run("an unknown provider gets INVALID_PROVIDER", func(t *testing.T) {
		code, env := uploadCSV(t, api, "demo", "nope", []byte("access_token,doctype\nverified-1,PANCR\n"), uploadOptions{})
		if code != http.StatusBadRequest || env.SubCode != "INVALID_PROVIDER" {
			t.Fatalf("got HTTP %d %s, want 400 INVALID_PROVIDER", code, env.SubCode)
		}
	})
	rdb := redistest.Connect(t, env["BV_REDIS_URL"])
	insp := asynq.NewInspectorFromRedisClient(rdb)
	if qs, _ := insp.Queues(); len(qs) != 0 {
		for _, q := range qs {
			info, _ := insp.GetQueueInfo(q)
			if info != nil && info.Size > 0 {
				t.Errorf("queue %s holds %d tasks after rejected uploads, want 0", q, info.Size)
			}
		}
	}
	if keys, _ := rdb.Keys(context.Background(), storage.KeyPrefix+"batch:*").Result(); len(keys) != 0 {
		t.Errorf("rejected uploads left batch state %v", keys)
	}
}
