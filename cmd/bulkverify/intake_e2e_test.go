package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/bulkverify/bulkverify/storage"
)

// rawRequest writes head and then body to the API's host over a bare
// connection, so a test can stall or drop mid-body, and returns the
// status line of the answer (or "" when the connection just closed).
func rawRequest(t *testing.T, api, head string, body io.Reader, wait time.Duration) (string, time.Duration) {
	t.Helper()
	u, _ := url.Parse(api)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	io.WriteString(conn, head)
	io.Copy(conn, body)
	conn.SetReadDeadline(time.Now().Add(wait))
	line, _ := bufio.NewReader(conn).ReadString('\n')
	return strings.TrimSpace(line), time.Since(start)
}

func uploadHead(api string, length int) string {
	u, _ := url.Parse(api)
	return fmt.Sprintf("POST /v1/verification/batch?provider=digilocker HTTP/1.1\r\nHost: %s\r\nclient-id: demo\r\nx-api-key: demo-secret\r\nContent-Type: text/csv\r\nContent-Length: %d\r\n\r\n", u.Host, length)
}

// A body that stops coming gets 408; a client that drops mid-upload leaves
// no multipart upload behind; odd files are read right; error messages are
// short.
func TestIntakeWithstandsSlowDroppedAndOddUploads(t *testing.T) {
	t.Parallel()
	env, _ := lifecycleEnv(t)
	env["BV_UPLOAD_IDLE_TIMEOUT"] = "2s"
	api := startProgram(t, []string{"serve"}, env)
	startProgram(t, []string{"work"}, env)

	t.Run("a body that stops after 100 bytes gets 408", func(t *testing.T) {
		line, took := rawRequest(t, api, uploadHead(api, 100_000), strings.NewReader(strings.Repeat("a", 100)), 30*time.Second)
		if !strings.Contains(line, "408") || took > 10*time.Second {
			t.Errorf("got %q after %v, want 408 within about BV_UPLOAD_IDLE_TIMEOUT (2s)", line, took)
		}
	})

	t.Run("a client dropping after 9 MB leaves no multipart upload", func(t *testing.T) {
		client, _ := storage.NewS3Client(context.Background(), storage.S3Options{Endpoint: env["BV_S3_ENDPOINT"], Region: "us-east-1", PathStyle: true, StaticKey: "test", StaticSecret: "test"})
		uploads := func() int {
			out, err := client.ListMultipartUploads(context.Background(), &s3.ListMultipartUploadsInput{Bucket: aws.String("bulkverify")})
			if err != nil {
				t.Fatal(err)
			}
			return len(out.Uploads)
		}
		u, _ := url.Parse(api)
		conn, err := net.Dial("tcp", u.Host)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(conn, uploadHead(api, 50<<20))
		io.WriteString(conn, "reference_id,access_token,doctype\n")
		row := strings.Repeat("r,verified-1,PANCR\n", 1000)
		for n := 0; n < 9<<20; n += len(row) {
			io.WriteString(conn, row)
		}
		waitUntil(t, 20*time.Second, "the server began a multipart upload of the input", func() bool { return uploads() > 0 })
		conn.Close()
		waitUntil(t, 20*time.Second, "the dropped upload was aborted", func() bool { return uploads() == 0 })
	})

	t.Run("two BOMs and zero-width characters cost no column", func(t *testing.T) {
		data := []byte("\ufeff\ufeffreference_id,access_token,\u200bdoctype\nref-1,verified-00001,PANCR\n")
		id := accept(t)(uploadCSV(t, api, "demo", "digilocker", data, uploadOptions{}))
		st := waitFor(t, api, id, time.Minute, "finished", finished)
		_, rows := outputRows(t, st)
		if rows[1][1] != "ref-1" || rows[1][2] != "VERIFIED" {
			t.Errorf("got row 1 %v, want reference ref-1 VERIFIED", rows[1])
		}
	})

	t.Run("20,000 rows with CR-only line endings are accepted", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("reference_id,access_token,doctype\r")
		for i := 1; i <= 20000; i++ {
			fmt.Fprintf(&b, "ref-%d,verified-%05d,PANCR\r", i, i)
		}
		code, env := uploadCSV(t, api, "demo", "digilocker", []byte(b.String()), uploadOptions{dryRun: true})
		if code != http.StatusOK || !strings.Contains(string(env.Data), `"total_rows":20000`) || !strings.Contains(string(env.Data), `"rejected_rows":0`) {
			t.Errorf("got HTTP %d %s %s, want 20000 rows, none rejected", code, env.SubCode, cut(string(env.Data)))
		}
	})

	t.Run("a token with a line break is INVALID_ROW and never sent", func(t *testing.T) {
		data := []byte("reference_id,access_token,doctype\nref-1,\"verified-\n00001\",PANCR\nref-2,verified-00002,PANCR\n")
		id := accept(t)(uploadCSV(t, api, "demo", "digilocker", data, uploadOptions{}))
		st := waitFor(t, api, id, time.Minute, "finished", finished)
		_, rows := outputRows(t, st)
		if rows[1][2]+"/"+rows[1][3] != "FAILED/INVALID_ROW" || rows[1][5] != "false" || rows[2][2] != "VERIFIED" {
			t.Errorf("got rows %v and %v, want row 1 FAILED/INVALID_ROW not retryable, row 2 VERIFIED", rows[1], rows[2])
		}
	})

	t.Run("every error message is capped", func(t *testing.T) {
		var cols []string
		for i := range 20000 {
			cols = append(cols, fmt.Sprintf("column_%d", i))
		}
		code, env := uploadCSV(t, api, "demo", "digilocker", []byte(strings.Join(cols, ",")+"\n1\n"), uploadOptions{})
		if code != http.StatusBadRequest || len([]rune(env.Message)) > 300 {
			t.Errorf("got HTTP %d with a message of %d characters, want 400 and at most 300", code, len([]rune(env.Message)))
		}
	})
}

func cut(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}

// waitUntil polls ok until it holds, failing the test after within.
func waitUntil(t *testing.T, within time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("not so within %v: %s", within, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// buildBinary builds bin/bulkverify into a temporary directory once.
var buildOnce = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "bulkverify-bin")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "bulkverify")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// peakRSS returns the peak resident memory of a process in MiB.
func peakRSS(t *testing.T, pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.Atoi(f[1])
			return float64(kb) / 1024
		}
	}
	t.Fatal("no VmHWM in /proc status")
	return 0
}

// 30 uploads of 7 MB at once, from two tenants, against a real serve
// process: it reads at most BV_MAX_CONCURRENT_UPLOADS of them (half each
// tenant's), answers the rest 503 with Retry-After, and its memory stays
// bounded.
func TestConcurrentBigUploadsKeepServeMemoryBounded(t *testing.T) {
	// Not parallel: it measures a process's memory and its 503s under
	// load, which other tests' programs would change.
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin, err := buildOnce()
	if err != nil {
		t.Fatal(err)
	}
	env := prodEnv(t)
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	env["BV_HTTP_ADDR"] = addr
	cmd := exec.Command(bin, "serve")
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Env = append(cmd.Env, "PATH="+os.Getenv("PATH"), "GODEBUG="+os.Getenv("BV_TEST_SERVE_GODEBUG"))
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	api := "http://" + addr
	deadline := time.Now().Add(30 * time.Second)
	for {
		if resp, err := http.Get(api + "/healthz"); err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("serve did not answer /healthz within 30 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	before := peakRSS(t, cmd.Process.Pid)
	var b strings.Builder
	b.WriteString("reference_id,access_token,doctype\n")
	for b.Len() < 7<<20 {
		fmt.Fprintf(&b, "ref-%d,verified-%07d,PANCR\n", b.Len(), b.Len())
	}
	data := b.String()
	var mu sync.Mutex
	codes := map[int]int{}
	retryAfter := true
	var wg sync.WaitGroup
	for i := range 30 {
		tenant := []string{"demo", "other"}[i%2]
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodPost, api+"/v1/verification/batch?provider=digilocker", strings.NewReader(data))
			req.Header.Set("client-id", tenant)
			req.Header.Set("x-api-key", tenant+"-secret")
			req.Header.Set("Content-Type", "text/csv")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				mu.Lock()
				codes[0]++
				mu.Unlock()
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			mu.Lock()
			codes[resp.StatusCode]++
			if resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") == "" {
				retryAfter = false
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	peak := peakRSS(t, cmd.Process.Pid)
	t.Logf("30 concurrent 7 MB uploads: answers %v; serve peak RSS %.0f MiB (%.0f MiB before)", codes, peak, before)
	if codes[http.StatusAccepted] < 8 || codes[http.StatusAccepted]+codes[http.StatusServiceUnavailable] != 30 || !retryAfter {
		t.Errorf("got answers %v, want 202 for at least the 8 read at once and 503 with Retry-After for the rest", codes)
	}
	if peak > 150 {
		t.Errorf("serve peak RSS %.0f MiB, want at most 150", peak)
	}
}
