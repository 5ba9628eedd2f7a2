package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// cli runs a client command of the real program against api.
func cli(t *testing.T, api string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	env := map[string]string{"BV_API_URL": api, "BV_CLIENT_ID": "demo", "BV_API_KEY": "demo-secret"}
	err := run(ctx, args, func(k string) string { return env[k] }, &out)
	return out.String(), err
}

func exitCode(err error) int {
	var end *batchEnded
	switch {
	case err == nil:
		return exitCompleted
	case errors.As(err, &end):
		return end.code
	}
	return exitError
}

// The client commands: submit --dry-run, --metadata, --wait; list; retry;
// cancel; their exit codes.
func TestCLILifecycleCommands(t *testing.T) {
	t.Parallel()
	env, _ := lifecycleEnv(t)
	env["BV_DIGILOCKER_RATE"] = "100" // the 400-row batch runs 4 s: long enough to cancel
	api := startProgram(t, []string{"serve"}, env)
	startProgram(t, []string{"work"}, env)
	dir := t.TempDir()
	file := filepath.Join(dir, "batch.csv")
	os.WriteFile(file, tokensCSV("verified-00001", "", "down-00003"), 0o600)

	out, err := cli(t, api, "submit", file, "--provider", "digilocker", "--dry-run")
	if exitCode(err) != exitFailed || !strings.Contains(out, "row 2, access_token") || !strings.Contains(out, "nothing was stored") {
		t.Errorf("submit --dry-run of a file with a bad row: exit %d, output:\n%s\nwant exit 3 and row 2's access_token named", exitCode(err), out)
	}

	out, err = cli(t, api, "submit", file, "--provider", "digilocker", "--wait", "--metadata", "team=ops", "--output", filepath.Join(dir, "out.csv"))
	if exitCode(err) != exitCompleted || !strings.Contains(out, "completed: 3 rows: 1 verified, 0 not verified, 2 failed") {
		t.Fatalf("submit --wait: exit %d (%v), output:\n%s", exitCode(err), err, out)
	}
	id := regexp.MustCompile(`request_id: ([0-9a-f]{32})`).FindStringSubmatch(out)[1]
	if b, _ := os.ReadFile(filepath.Join(dir, "out.csv")); !bytes.Contains(b, []byte("UPSTREAM_UNAVAILABLE")) {
		t.Errorf("downloaded output lacks the down row:\n%s", b)
	}

	out, err = cli(t, api, "retry", id, "--codes", "UPSTREAM_UNAVAILABLE", "--wait", "--output", filepath.Join(dir, "retry.csv"))
	if exitCode(err) != exitCompleted || !strings.Contains(out, "1 rows, numbered as in "+id) {
		t.Errorf("retry --wait: exit %d (%v), output:\n%s", exitCode(err), err, out)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "retry.csv")); !bytes.Contains(b, []byte("\n3,ref-3,FAILED,UPSTREAM_UNAVAILABLE")) {
		t.Errorf("retry output does not keep row 3:\n%s", b)
	}

	out, err = cli(t, api, "list", "--per-page", "5")
	if err != nil || !strings.Contains(out, id) || !strings.Contains(out, "page 1 of 1, 2 batches") {
		t.Errorf("list: %v, output:\n%s", err, out)
	}

	out, err = cli(t, api, "cancel", id)
	if exitCode(err) != exitError || !strings.Contains(err.Error(), "BATCH_FINISHED") {
		t.Errorf("cancel of a completed batch: exit %d (%v), want 1 and BATCH_FINISHED", exitCode(err), err)
	}

	tokens := make([]string, 400)
	for i := range tokens {
		tokens[i] = "verified-" + strings.Repeat("0", 3) + string(rune('a'+i%26)) + string(rune('a'+i/26))
	}
	big := filepath.Join(dir, "big.csv")
	os.WriteFile(big, tokensCSV(tokens...), 0o600)
	out, err = cli(t, api, "submit", big, "--provider", "digilocker")
	if err != nil {
		t.Fatal(err)
	}
	bigID := regexp.MustCompile(`request_id: ([0-9a-f]{32})`).FindStringSubmatch(out)[1]
	out, err = cli(t, api, "cancel", bigID, "--wait", "--output", filepath.Join(dir, "big-out.csv"))
	if code := exitCode(err); code != exitCancelled || !strings.Contains(out, "cancelled: 400 rows") {
		t.Errorf("cancel --wait: exit %d (%v), output:\n%s\nwant exit 2 and a cancelled summary", code, err, out)
	}
}
