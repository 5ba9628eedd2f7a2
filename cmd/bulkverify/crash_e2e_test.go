package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify/provider/digilocker"
)

// killerUpstream is the DigiLocker simulator, but a request that carries
// the killer token is never answered: it tells the test, which kills the
// worker that sent it, as an out-of-memory kill would.
type killerUpstream struct {
	sim    http.Handler
	token  string
	killed chan struct{} // gets a value on each request with the token

	mu    sync.Mutex
	calls int
}

func (k *killerUpstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer "+k.token {
		k.sim.ServeHTTP(w, r)
		return
	}
	k.mu.Lock()
	k.calls++
	k.mu.Unlock()
	select {
	case k.killed <- struct{}{}:
	default:
	}
	<-r.Context().Done()
}

func (k *killerUpstream) callsSoFar() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.calls
}

// startWorkProcess runs `bulkverify work` as a process of its own, which
// the test may kill; its log goes to the returned file.
func startWorkProcess(t *testing.T, bin string, env map[string]string, name string) (*exec.Cmd, string) {
	t.Helper()
	logPath := filepath.Join(t.TempDir(), name+".log")
	logf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "work")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stderr, cmd.Stdout = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait(); logf.Close() })
	return cmd, logPath
}

// A worker process killed (SIGKILL, as the out-of-memory killer does)
// while it verifies a chunk counts as a crash of that chunk. With
// BV_MAX_CHUNK_CRASHES=1, the next worker settles the chunk without
// verifying it: its rows end FAILED/PROCESSING_FAILED, retryable; the
// other chunks' rows are VERIFIED; the batch completes with every row
// once, and the error log names the batch and chunk without row data.
func TestAChunkThatKillsItsWorkerIsSettledByTheNext(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin, err := buildOnce()
	if err != nil {
		t.Fatal(err)
	}
	env := prodEnv(t)
	up := &killerUpstream{sim: digilocker.NewSimulator(digilocker.SimConfig{ClientSecret: "test-secret"}), token: "verified-killer", killed: make(chan struct{}, 1)}
	upstream := httptest.NewServer(up)
	t.Cleanup(upstream.Close)
	for k, v := range map[string]string{
		"BV_DIGILOCKER_BASE_URL": upstream.URL,
		"BV_MAX_CHUNK_CRASHES":   "1",
		"BV_CHUNK_SIZE":          "2",
		// One chunk at a time, one row at a time: the killer's chunk is
		// the only one its worker runs, and its second row is never
		// reached.
		"BV_WORKER_CONCURRENCY": "1",
		"BV_ROW_CONCURRENCY":    "1",
		"BV_SWEEP_INTERVAL":     "250ms",
		"BV_LOG_FORMAT":         "json",
		"BV_METRICS_ADDR":       "off",
	} {
		env[k] = v
	}
	api := startProgram(t, []string{"serve"}, env)
	first, _ := startWorkProcess(t, bin, env, "work-1")
	id := accept(t)(uploadCSV(t, api, "demo", "digilocker", tokensCSV("verified-00001", "verified-00002", up.token, "verified-00004", "verified-00005", "verified-00006"), uploadOptions{}))

	select {
	case <-up.killed:
	case <-time.After(time.Minute):
		t.Fatal("no worker reached the killer row within a minute")
	}
	first.Process.Kill()
	first.Wait()
	killerCalls := up.callsSoFar()
	_, logPath := startWorkProcess(t, bin, env, "work-2")

	st := waitFor(t, api, id, time.Minute, "finished", finished)
	if st.State != "completed" {
		t.Fatalf("got state %s, want completed", st.State)
	}
	order, rows := outputRows(t, st)
	if len(order) != 6 {
		t.Fatalf("output has rows %v, want 1..6 once each", order)
	}
	for n := 1; n <= 6; n++ {
		rec := rows[n]
		got := strings.Join([]string{rec[2], rec[3], rec[5]}, "/")
		want := "VERIFIED/OK/false"
		if n == 3 || n == 4 {
			want = "FAILED/PROCESSING_FAILED/true"
			if !strings.Contains(rec[4], "crashed a worker 1 times") || !strings.Contains(rec[4], "retry the batch's failed rows") {
				t.Errorf("row %d: message %q does not say the chunk crashed a worker and what to do", n, rec[4])
			}
		}
		if got != want {
			t.Errorf("row %d: got %s, want %s", n, got, want)
		}
	}
	if got := up.callsSoFar(); got != killerCalls {
		t.Errorf("the killer row reached the upstream %d more times after its worker died, want none: its chunk is settled unverified", got-killerCalls)
	}
	b, _ := os.ReadFile(logPath)
	logs := string(b)
	if !strings.Contains(logs, `"msg":"chunk crashed its workers too often`) || !strings.Contains(logs, `"request_id":"`+id+`"`) ||
		!strings.Contains(logs, `"chunk":1,"crashes":1`) {
		t.Errorf("work-2 logged no error naming request_id %s, chunk 1 and its crash:\n%s", id, logs)
	}
	if strings.Contains(logs, up.token) {
		t.Error("work-2's log holds the killer row's access token")
	}
}
