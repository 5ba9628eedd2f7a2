package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify/internal/redistest"
	"github.com/bulkverify/bulkverify/storage"
)

// startServeProcess runs `bulkverify serve` as a process of its own, which
// the test may kill, and returns it and the API URL it prints.
func startServeProcess(t *testing.T, bin string, env map[string]string, name string) (*exec.Cmd, string) {
	t.Helper()
	logf, err := os.Create(filepath.Join(t.TempDir(), name+".log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "serve")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stderr = logf
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait(); logf.Close() })
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "api: "); ok {
				urls <- u
			}
		}
	}()
	select {
	case u := <-urls:
		return cmd, u
	case <-time.After(60 * time.Second):
		t.Fatalf("%s printed no API URL within 60 s", name)
	}
	return nil, ""
}

// A serve killed (SIGKILL) in the middle of an upload with an
// Idempotency-Key leaves the key held by a lease nobody renews: once it
// runs out (seconds, not the hour it used to be), the client's retry with
// the same key and file is accepted by the restarted serve, and another
// file with the same key still gets 409.
func TestAnIdempotencyKeyOutlivesAServeKilledMidUpload(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin, err := buildOnce()
	if err != nil {
		t.Fatal(err)
	}
	env := prodEnv(t)
	env["BV_METRICS_ADDR"] = "off"
	var b strings.Builder
	b.WriteString("reference_id,access_token,doctype\n")
	for i := 0; b.Len() < 4<<20; i++ {
		fmt.Fprintf(&b, "ref-%d,verified-%07d,PANCR\n", i, i)
	}
	data := []byte(b.String())
	const key = "crash-key-1"

	killed := killMidUpload(t, bin, env, data, key)
	_, api := startServeProcess(t, bin, env, "serve-2")
	var id string
	waitUntil(t, storage.IdempotencyLease+20*time.Second, "the same request is accepted once the dead claim's lease ran out", func() bool {
		code, resp := uploadCSV(t, api, "demo", "digilocker", data, uploadOptions{idemKey: key})
		if code == http.StatusConflict && resp.SubCode == "CONFLICT" {
			return false // the dead serve's lease has not run out yet
		}
		id = acceptedID(t, code, resp)
		return true
	})
	if after := time.Since(killed); after > storage.IdempotencyLease+15*time.Second {
		t.Errorf("the retry was accepted %v after the kill, want within about the lease of %v", after, storage.IdempotencyLease)
	}
	code, resp := uploadCSV(t, api, "demo", "digilocker", tokensCSV("verified-00009"), uploadOptions{idemKey: key})
	if code != http.StatusConflict || resp.SubCode != "IDEMPOTENCY_KEY_REUSED" {
		t.Errorf("the same key with another file: got HTTP %d %s, want 409 IDEMPOTENCY_KEY_REUSED", code, resp.SubCode)
	}
	code, resp = uploadCSV(t, api, "demo", "digilocker", data, uploadOptions{idemKey: key})
	if again := acceptedID(t, code, resp); again != id {
		t.Errorf("the same key and file once more: got batch %s, want %s", again, id)
	}
}

// killMidUpload starts serve, sends it half of data under key, kills it
// (SIGKILL) once it holds the key, and returns when it was killed.
func killMidUpload(t *testing.T, bin string, env map[string]string, data []byte, key string) time.Time {
	t.Helper()
	rdb := redistest.Connect(t, env["BV_REDIS_URL"])
	idem := storage.KeyPrefix + "idem:demo:" + key
	first, api := startServeProcess(t, bin, env, "serve-1")
	pr, pw := io.Pipe()
	sent := make(chan struct{})
	go func() {
		defer close(sent)
		tenantAPI(api, "demo").sendUpload(context.Background(), "batch.csv", pr, "digilocker", uploadOptions{idemKey: key})
	}()
	pw.Write(data[:len(data)/2]) // half the file, and the rest never comes
	waitUntil(t, 30*time.Second, "serve holds the Idempotency-Key while it reads the upload", func() bool {
		v, _ := rdb.Get(context.Background(), idem).Result()
		return strings.HasPrefix(v, "pending:")
	})
	if ttl := rdb.PTTL(context.Background(), idem).Val(); ttl <= 0 || ttl > storage.IdempotencyLease {
		t.Errorf("the claim lives %v, want a lease of at most %v", ttl, storage.IdempotencyLease)
	}
	first.Process.Kill()
	first.Wait()
	killed := time.Now()
	pw.CloseWithError(io.ErrUnexpectedEOF)
	<-sent
	return killed

}
