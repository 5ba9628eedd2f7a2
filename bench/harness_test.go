//go:build bench

// Package bench holds the benchmarks that run the real binary as separate
// processes (API, workers, simulators) against a real redis-server. They
// are not part of `make test`; run them with `make bench-ratelimit`.
package bench

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/bulkverify/bulkverify/internal/proctest"
	"github.com/bulkverify/bulkverify/internal/redistest"
	"github.com/bulkverify/bulkverify/provider/simulation"
	"github.com/bulkverify/bulkverify/storage"
)

func TestMain(m *testing.M) { redistest.Main(m) }

// startProc runs the binary with args and env until the test ends. When
// prefix is not empty it waits for a stdout line starting with it and
// returns the rest of that line.
func startProc(t *testing.T, name string, args []string, env map[string]string, prefix string) string {
	t.Helper()
	_, line := proctest.Start(t, name, proctest.Binary(t, "BV_BENCH_BIN", "../bin/bulkverify"), args, env, prefix)
	return line
}

// cluster is one run of the system: a Redis, an S3, the simulators, an API
// and some workers.
type cluster struct {
	api, sim string
}

type clusterConfig struct {
	workers    int
	workerRate float64 // BV_DIGILOCKER_RATE of the workers
	simArgs    []string
	env        map[string]string // more variables for serve and the workers
}

func startCluster(t *testing.T, cc clusterConfig) cluster {
	s3 := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	t.Cleanup(s3.Close)
	client, err := storage.NewS3Client(context.Background(), storage.S3Options{Endpoint: s3.URL, Region: "us-east-1", PathStyle: true, StaticKey: "bench", StaticSecret: "bench"})
	if err != nil {
		t.Fatal(err)
	}
	if err := storage.NewBucket(client, "bulkverify").EnsureBucket(context.Background(), true); err != nil {
		t.Fatal(err)
	}
	simBase := startProc(t, "simulate", append([]string{"simulate", "--addr", "127.0.0.1:0", "--digilocker-client-secret", "bench-secret"}, cc.simArgs...), nil, "simulators: ")
	env := map[string]string{
		"BV_REDIS_URL":                redistest.URL(t),
		"BV_HTTP_ADDR":                "127.0.0.1:0",
		"BV_LOG_LEVEL":                "warn",
		"BV_METRICS_ADDR":             "127.0.0.1:0",
		"BV_CLIENTS":                  "bench:bench-secret,tenant-b:tenant-b-secret",
		"BV_DATA_KEY":                 base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32)),
		"BV_S3_ENDPOINT":              s3.URL,
		"BV_S3_ACCESS_KEY_ID":         "bench",
		"BV_S3_SECRET_ACCESS_KEY":     "bench",
		"BV_DIGILOCKER_BASE_URL":      simBase + "/digilocker",
		"BV_DIGILOCKER_CLIENT_SECRET": "bench-secret",
		"BV_DIGILOCKER_RATE":          strconv.FormatFloat(cc.workerRate, 'f', -1, 64),
	}
	for k, v := range cc.env {
		env[k] = v
	}
	api := startProc(t, "serve", []string{"serve"}, env, "api: ")
	for i := range cc.workers {
		startProc(t, fmt.Sprintf("work-%d", i+1), []string{"work"}, env, "")
	}
	return cluster{api: api, sim: simBase}
}

func (c cluster) stats(t *testing.T) simulation.Stats {
	resp, err := http.Get(c.sim + "/_stats")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var s map[string]simulation.Stats
	json.NewDecoder(resp.Body).Decode(&s)
	return s["digilocker"]
}

func (c cluster) do(t *testing.T, req *http.Request) map[string]any {
	if req.Header.Get("client-id") == "" {
		req.Header.Set("client-id", "bench")
		req.Header.Set("x-api-key", "bench-secret")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var env map[string]any
	json.NewDecoder(resp.Body).Decode(&env)
	if resp.StatusCode >= 300 {
		t.Fatalf("%s %s: HTTP %d %v", req.Method, req.URL.Path, resp.StatusCode, env)
	}
	data, _ := env["data"].(map[string]any)
	return data
}

// submit uploads a DigiLocker batch of rows verified-00001.. and returns
// its request id.
func (c cluster) submit(t *testing.T, rows int, prefix string) string {
	return c.submitAs(t, "", rows, prefix)
}

// submitAs is submit for tenant (its secret is tenant+"-secret"; "" is
// the bench client).
func (c cluster) submitAs(t *testing.T, tenant string, rows int, prefix string) string {
	var b bytes.Buffer
	b.WriteString("reference_id,access_token,doctype\n")
	for i := 1; i <= rows; i++ {
		fmt.Fprintf(&b, "%s-%d,verified-%s%07d,PANCR\n", prefix, i, prefix, i)
	}
	req, _ := http.NewRequest(http.MethodPost, c.api+"/v1/verification/batch?provider=digilocker", &b)
	req.Header.Set("Content-Type", "text/csv")
	asTenant(req, tenant)
	return c.do(t, req)["request_id"].(string)
}

func (c cluster) status(t *testing.T, id string) map[string]any { return c.statusAs(t, "", id) }

// statusAs is status asked by tenant (see submitAs).
func (c cluster) statusAs(t *testing.T, tenant, id string) map[string]any {
	req, _ := http.NewRequest(http.MethodGet, c.api+"/v1/verification/batch-processing-status?request_id="+id, nil)
	asTenant(req, tenant)
	return c.do(t, req)
}

// asTenant makes req tenant's (its secret is tenant+"-secret"; "" leaves
// it the bench client's).
func asTenant(req *http.Request, tenant string) {
	if tenant != "" {
		req.Header.Set("client-id", tenant)
		req.Header.Set("x-api-key", tenant+"-secret")
	}
}

// wait polls the status until the batch is completed and returns it.
func (c cluster) wait(t *testing.T, id string, within time.Duration) map[string]any {
	return c.waitAs(t, "", id, within)
}

// waitAs is wait for tenant's batch (see submitAs).
func (c cluster) waitAs(t *testing.T, tenant, id string, within time.Duration) map[string]any {
	deadline := time.Now().Add(within)
	for {
		st := c.statusAs(t, tenant, id)
		if st["status"] == float64(200) {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("batch %s not completed within %v: %v", id, within, st)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// checkOutput downloads the output and checks that rows 1..n each appear
// exactly once with a status, and every FAILED row has a code and message.
// It returns the count of each status/code.
func checkOutput(t *testing.T, st map[string]any, n int) map[string]int {
	resp, err := http.Get(st["batch_output_file_url"].(string))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	recs, err := csv.NewReader(resp.Body).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	seen := make([]int, n+1)
	counts := map[string]int{}
	for _, r := range recs[1:] {
		k, err := strconv.Atoi(r[0])
		if err != nil || k < 1 || k > n {
			t.Fatalf("output row %q is not a row of the input", r[0])
		}
		seen[k]++
		counts[r[2]+"/"+r[3]]++
		if r[2] == "FAILED" && (r[3] == "" || r[4] == "") {
			t.Errorf("row %d FAILED without a code and message", k)
		}
		if r[2] != "VERIFIED" && r[2] != "NOT_VERIFIED" && r[2] != "FAILED" {
			t.Errorf("row %d has status %q", k, r[2])
		}
	}
	missing, dup := 0, 0
	for _, c := range seen[1:] {
		if c == 0 {
			missing++
		}
		if c > 1 {
			dup++
		}
	}
	if missing > 0 || dup > 0 || len(recs)-1 != n {
		t.Errorf("output has %d rows for %d inputs: %d missing, %d duplicated", len(recs)-1, n, missing, dup)
	}
	return counts
}

// report appends a line to the results file named by BV_BENCH_REPORT.
func report(t *testing.T, format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	t.Log(line)
	if path := os.Getenv("BV_BENCH_REPORT"); path != "" {
		f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err == nil {
			io.WriteString(f, line+"\n")
			f.Close()
		}
	}
}
