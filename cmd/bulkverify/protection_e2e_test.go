package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3afero"
	"github.com/redis/go-redis/v9"
	"github.com/spf13/afero"

	"github.com/bulkverify/bulkverify/internal/redistest"
	"github.com/bulkverify/bulkverify/provider/providers"
	"github.com/bulkverify/bulkverify/storage"
)

// rawStore serves S3 over HTTP (gofakes3) with every object kept as a file
// under the returned directory, so that a test can read what the object
// store holds at rest.
func rawStore(t *testing.T) (endpoint, dir string) {
	t.Helper()
	dir = t.TempDir()
	backend, err := s3afero.MultiBucket(afero.NewBasePathFs(afero.NewOsFs(), dir))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	t.Cleanup(srv.Close)
	return srv.URL, dir
}

// rawFiles returns every file under dir whose path contains part, with its
// bytes.
func rawFiles(t *testing.T, dir, part string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.Contains(path, part) {
			b, _ := os.ReadFile(path)
			out[path] = b
		}
		return nil
	})
	return out
}

// redisValues returns every value under the service's keys, read by type.
func redisValues(t *testing.T, rdb *redis.Client) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	keys, err := rdb.Keys(ctx, "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		fmt.Fprintln(&b, k)
		switch rdb.Type(ctx, k).Val() {
		case "string":
			fmt.Fprintln(&b, rdb.Get(ctx, k).Val())
		case "hash":
			fmt.Fprintln(&b, rdb.HGetAll(ctx, k).Val())
		case "list":
			fmt.Fprintln(&b, rdb.LRange(ctx, k, 0, -1).Val())
		case "set":
			fmt.Fprintln(&b, rdb.SMembers(ctx, k).Val())
		case "zset":
			fmt.Fprintln(&b, rdb.ZRange(ctx, k, 0, -1).Val())
		}
	}
	return b.String()
}

// captureStderr sends the process's stderr (where the program logs) to a
// buffer until the test ends, and returns a function that reads it.
func captureStderr(t *testing.T) func() string {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stderr
	os.Stderr = w
	var buf bytes.Buffer
	done := make(chan struct{})
	go func() { io.Copy(&buf, r); close(done) }()
	var closed bool
	stop := func() {
		if !closed {
			closed = true
			os.Stderr = old
			w.Close()
			<-done
		}
	}
	t.Cleanup(stop)
	return func() string { stop(); return buf.String() }
}

// answerText is every text field of demo's answer to GET path.
func answerText(t *testing.T, api, path string) string {
	t.Helper()
	_, env := call(t, api, "demo", http.MethodGet, path)
	return strings.Join([]string{env.SubCode, env.Message, env.Detail, string(env.Data)}, "\n")
}

// One batch per provider through the real program: every token, client
// secret and API key used is searched for in the logs, the metrics, the
// status and list answers, the output files, Redis and the object store's
// files at rest, and found nowhere. The batches' outputs are still right.
func TestNoSecretIsStoredLoggedOrServed(t *testing.T) {
	// Not parallel: captureStderr swaps the process's os.Stderr.
	endpoint, dir := rawStore(t)
	redisURL := redistest.DB(t)
	logs := captureStderr(t)
	api := startProgram(t, []string{"dev"}, map[string]string{
		"BV_REDIS_URL": redisURL, "BV_HTTP_ADDR": "127.0.0.1:0", "BV_LOG_LEVEL": "debug",
		"BV_S3_ENDPOINT": endpoint, "BV_S3_ACCESS_KEY_ID": "scan-key-id", "BV_S3_SECRET_ACCESS_KEY": "scan-s3-secret-0042",
		"BV_DATA_KEY": testDataKey, "BV_MAX_ATTEMPTS": "2", "BV_MAX_THROTTLED": "2", "BV_MAX_REQUEUES": "1",
		"BV_DIGILOCKER_RATE": "2000", "BV_SILA_RATE": "2000", "BV_FLEXFACTOR_RATE": "2000", "BV_DEEPVUE_RATE": "2000",
	})
	secrets := []string{"demo-secret", testDataKey, "scan-s3-secret-0042"}
	for _, p := range providers.All {
		for _, v := range p.Vars {
			if v.Secret {
				secrets = append(secrets, v.Dev)
			}
		}
	}
	tokens := []string{"verified-scan7f3a91", "missing-scan7f3a92", "invalid-scan7f3a93", "tampered-scan7f3a94"}
	// Tokens of their own: the examples' account names (verified-0001)
	// are also other providers' ids, which may appear in outputs.
	secrets = append(secrets, tokens...)

	var ids []string
	for _, p := range providers.Names() {
		data, err := os.ReadFile("../../examples/" + p + ".csv")
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, accept(t)(uploadCSV(t, api, "demo", p, data, uploadOptions{})))
	}
	ids = append(ids, accept(t)(uploadCSV(t, api, "demo", "digilocker", tokensCSV(tokens...), uploadOptions{})))

	var answers strings.Builder
	for _, id := range ids {
		st := waitCompleted(t, api, id, 2*time.Minute)
		answers.WriteString(answerText(t, api, "/v1/verification/batch-processing-status?request_id="+id))
		_, out := fetchCSV(t, *st.OutputURL)
		_, errs := fetchCSV(t, *st.ErrorURL)
		answers.WriteString(out + errs)
	}
	last := getStatus(t, api, "demo", ids[len(ids)-1])
	if last.Verified != 1 || last.NotVerif != 2 || last.Failed != 1 || last.Codes["TOKEN_INVALID"] != 1 || last.Codes["INTEGRITY_FAILED"] != 1 {
		t.Errorf("the scanned DigiLocker batch: got %d/%d/%d %v, want 1 verified, 2 not verified (missing, tampered), 1 TOKEN_INVALID", last.Verified, last.NotVerif, last.Failed, last.Codes)
	}
	answers.WriteString(answerText(t, api, "/v1/verification/batches?per_page=100"))
	_, metrics := getMetrics(t, api+"/metrics")
	stored := rawFiles(t, dir, "")
	inputs := rawFiles(t, dir, "input.csv")
	if len(inputs) < len(ids) {
		t.Fatalf("found %d stored inputs under %s, want %d: the scan would prove nothing", len(inputs), dir, len(ids))
	}
	rdb := redistest.Connect(t, redisURL)
	places := map[string]string{"metrics": metrics, "API answers and output files": answers.String(), "Redis": redisValues(t, rdb)}
	for path, b := range stored {
		places["object store file "+strings.TrimPrefix(path, dir)] = string(b)
	}
	places["logs"] = logs()
	for where, text := range places {
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("%s holds the secret %.12q…", where, s)
			}
		}
	}
	for path, b := range inputs {
		if bytes.Contains(b, []byte("access_token")) || bytes.Contains(b, []byte("reference_id")) {
			t.Errorf("%s is not sealed: it holds the CSV header in plaintext", path)
		}
	}
	t.Logf("searched %d secrets in %d places (%d object store files, %d bytes of logs)", len(secrets), len(places), len(stored), len(places["logs"]))
}

// Retention of 2 s: a finished batch's files, checkpoints and data key are
// deleted and it says expired; DELETE erases a batch at once (409 while it
// runs, 422 afterwards); a stale multipart upload is aborted.
func TestRetentionDeleteAndStaleUploads(t *testing.T) {
	t.Parallel()
	endpoint, dir := rawStore(t)
	env := prodEnv(t)
	env["BV_S3_ENDPOINT"] = endpoint
	env["BV_RETENTION"] = "2s"
	env["BV_SWEEP_INTERVAL"] = "200ms"
	env["BV_STALE_UPLOAD_AGE"] = "1s"
	env["BV_DIGILOCKER_RATE"] = "20"
	client, err := storage.NewS3Client(context.Background(), storage.S3Options{Endpoint: endpoint, Region: "us-east-1", PathStyle: true, StaticKey: "test", StaticSecret: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if err := storage.NewBucket(client, "bulkverify").EnsureBucket(context.Background(), true); err != nil {
		t.Fatal(err)
	}
	api := startProgram(t, []string{"serve"}, env)
	startProgram(t, []string{"work"}, env)
	rdb := redistest.Connect(t, env["BV_REDIS_URL"])

	// A stale multipart upload, as a serve process that died mid-upload
	// leaves it.
	up, err := client.CreateMultipartUpload(context.Background(), &s3.CreateMultipartUploadInput{Bucket: aws.String("bulkverify"), Key: aws.String("batches/dead/input.csv")})
	if err != nil {
		t.Fatal(err)
	}

	a := accept(t)(uploadCSV(t, api, "demo", "digilocker", tokensCSV("verified-00001", "missing-00002"), uploadOptions{}))
	st := waitFor(t, api, a, time.Minute, "finished", finished)
	if st.Verified != 1 || st.NotVerif != 1 || len(rawFiles(t, dir, a)) == 0 {
		t.Fatalf("batch %s: got %d verified, %d not verified, %d files; want 1, 1, its files", a, st.Verified, st.NotVerif, len(rawFiles(t, dir, a)))
	}
	st = waitFor(t, api, a, 30*time.Second, "expired", func(s lifeStatus) bool { return s.State == "expired" })
	if st.Status != http.StatusOK || st.Message != "batch results expired" || st.OutputURL != nil || st.ErrorURL != nil {
		t.Errorf("expired status: got %d %q, URLs %v %v; want 200, \"batch results expired\", null URLs", st.Status, st.Message, st.OutputURL, st.ErrorURL)
	}
	if files := rawFiles(t, dir, a); len(files) != 0 {
		t.Errorf("an expired batch still has files: %v", keysOf(files))
	}
	if k, _ := rdb.HGet(context.Background(), "bv:batch:{"+a+"}", "data_key").Result(); k != "" {
		t.Error("an expired batch still has its data key")
	}
	code, env2 := call(t, api, "demo", http.MethodPost, "/v1/verification/batch/"+a+"/retry")
	if code != http.StatusConflict || env2.SubCode != "BATCH_EXPIRED" {
		t.Errorf("retry of an expired batch: got HTTP %d %s, want 409 BATCH_EXPIRED", code, env2.SubCode)
	}

	tokens := make([]string, 200)
	for i := range tokens {
		tokens[i] = fmt.Sprintf("verified-%05d", i)
	}
	b := accept(t)(uploadCSV(t, api, "demo", "digilocker", tokensCSV(tokens...), uploadOptions{}))
	code, env2 = call(t, api, "demo", http.MethodDelete, "/v1/verification/batch/"+b)
	if code != http.StatusConflict || env2.SubCode != "BATCH_NOT_FINISHED" {
		t.Errorf("DELETE of a running batch: got HTTP %d %s, want 409 BATCH_NOT_FINISHED", code, env2.SubCode)
	}
	call(t, api, "demo", http.MethodPost, "/v1/verification/batch/"+b+"/cancel")
	waitFor(t, api, b, time.Minute, "finished", finished)
	code, env2 = call(t, api, "demo", http.MethodDelete, "/v1/verification/batch/"+b)
	if code != http.StatusOK {
		t.Fatalf("DELETE of a cancelled batch: got HTTP %d %s (%s), want 200", code, env2.SubCode, env2.Message)
	}
	code, env2 = call(t, api, "demo", http.MethodGet, "/v1/verification/batch-processing-status?request_id="+b)
	if code != http.StatusUnprocessableEntity || env2.SubCode != "INVALID_REQUEST_ID" {
		t.Errorf("status after DELETE: got HTTP %d %s, want 422 INVALID_REQUEST_ID", code, env2.SubCode)
	}
	if files := rawFiles(t, dir, b); len(files) != 0 {
		t.Errorf("an erased batch still has files: %v", keysOf(files))
	}
	if keys, _ := rdb.Keys(context.Background(), "*"+b+"*").Result(); len(keys) != 0 {
		t.Errorf("an erased batch left Redis keys %v", keys)
	}

	deadline := time.Now().Add(30 * time.Second)
	for {
		out, err := client.ListMultipartUploads(context.Background(), &s3.ListMultipartUploadsInput{Bucket: aws.String("bulkverify")})
		if err != nil {
			t.Fatal(err)
		}
		stale := false
		for _, u := range out.Uploads {
			stale = stale || *u.UploadId == *up.UploadId
		}
		if !stale {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a stale multipart upload was not aborted within 30 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func keysOf[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
