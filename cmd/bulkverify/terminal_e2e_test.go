package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// submit --wait on a terminal (a tmux pane) redraws one line in place,
// with the rate and the ETA, and ends with a summary in words.
func TestSubmitWaitRedrawsOneLineOnATerminal(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the binary and runs it in tmux")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Fatal("tmux is not installed: run ./scripts/ensure-tmux.sh (make test does)")
	}
	bin, err := buildOnce()
	if err != nil {
		t.Fatal(err)
	}
	env, _ := lifecycleEnv(t)
	env["BV_DIGILOCKER_RATE"] = "40" // 160 rows take about 8 s: long enough to watch
	api := startProgram(t, []string{"serve"}, env)
	startProgram(t, []string{"work"}, env)
	dir := t.TempDir()
	tokens := make([]string, 160)
	for i := range tokens {
		tokens[i] = fmt.Sprintf("verified-%05d", i)
	}
	file := filepath.Join(dir, "batch.csv")
	os.WriteFile(file, tokensCSV(tokens...), 0o600)

	session := fmt.Sprintf("bv-test-%d", os.Getpid())
	command := fmt.Sprintf("%s submit %s --provider digilocker --wait --url %s --output %s; sleep 30", bin, file, api, filepath.Join(dir, "out.csv"))
	if out, err := exec.Command("tmux", "new-session", "-d", "-s", session, "-x", "150", "-y", "30", command).CombinedOutput(); err != nil {
		t.Fatalf("tmux: %v: %s", err, out)
	}
	t.Cleanup(func() { exec.Command("tmux", "kill-session", "-t", session).Run() })
	capture := func() []string {
		out, _ := exec.Command("tmux", "capture-pane", "-p", "-t", session).Output()
		var lines []string
		for _, l := range strings.Split(string(out), "\n") {
			if strings.TrimSpace(l) != "" {
				lines = append(lines, l)
			}
		}
		return lines
	}
	bar := regexp.MustCompile(`processing\s+[\d.]+ rows/s, ETA \S+ .*\|.*\(\d+/160`)
	var seen []string
	deadline := time.Now().Add(60 * time.Second)
	for {
		lines := capture()
		if len(lines) >= 2 && len(seen) == 0 && os.Getenv("BV_TEST_DEBUG") != "" {
			t.Logf("pane: %q", lines)
		}
		if len(lines) == 2 && bar.MatchString(lines[1]) {
			seen = append(seen, lines[1])
		}
		if len(lines) > 0 && strings.HasPrefix(lines[len(lines)-1], "output: ") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("submit --wait did not finish within 60 s; the pane shows:\n%s", strings.Join(lines, "\n"))
		}
		time.Sleep(200 * time.Millisecond)
	}
	lines := capture()
	if len(seen) < 2 || seen[0] == seen[len(seen)-1] {
		t.Errorf("saw the bar line %d times (%q ... %q), want one line redrawn as the batch ran", len(seen), first(seen), last(seen))
	}
	if !strings.HasPrefix(lines[0], "request_id: ") || !strings.Contains(strings.Join(lines, "\n"), "completed: 160 rows: 160 verified") || len(lines) > 5 {
		t.Errorf("the pane at the end shows:\n%s\nwant the request id, the summary in words and no trail of progress lines", strings.Join(lines, "\n"))
	}
	t.Logf("a bar line mid-run: %s", first(seen))
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

func last(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[len(s)-1]
}
