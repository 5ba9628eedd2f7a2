//go:build chaos

package chaos

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// proc is one process of the system under test, which a scenario may stop,
// kill and start again with the same command line.
type proc struct {
	t       *testing.T
	name    string
	path    string
	args    []string
	env     []string
	logPath string

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{} // closed when the current run exits
	runs int
}

// startProc starts path with args and env (added to this process's
// environment) and stops it when the test ends. When prefix is not empty it
// waits for a stdout line that starts with it and returns the rest.
func startProc(t *testing.T, name, path string, args, env []string, prefix string) (*proc, string) {
	t.Helper()
	p := &proc{t: t, name: name, path: path, args: args, env: env, logPath: filepath.Join(logDir(t), name+".log")}
	line := p.start(prefix)
	t.Cleanup(func() { p.kill() })
	return p, line
}

// logDir keeps the logs of the processes for a look after a failure.
func logDir(t *testing.T) string {
	dir := filepath.Join(os.Getenv("BV_CHAOS_LOGS"), strings.ReplaceAll(t.Name(), "/", "_"))
	if os.Getenv("BV_CHAOS_LOGS") == "" {
		dir = t.TempDir()
	}
	os.MkdirAll(dir, 0o755)
	return dir
}

func (p *proc) start(prefix string) string {
	p.t.Helper()
	p.mu.Lock()
	p.runs++
	cmd := exec.Command(p.path, p.args...)
	cmd.Env = append(os.Environ(), p.env...)
	logf, err := os.OpenFile(p.logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		p.mu.Unlock()
		p.t.Fatal(err)
	}
	fmt.Fprintf(logf, "---- run %d at %s\n", p.runs, time.Now().Format(time.TimeOnly))
	cmd.Stderr = logf
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		p.mu.Unlock()
		p.t.Fatalf("start %s: %v", p.name, err)
	}
	done := make(chan struct{})
	p.cmd, p.done = cmd, done
	p.mu.Unlock()

	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			fmt.Fprintln(logf, sc.Text())
			if prefix != "" && strings.HasPrefix(sc.Text(), prefix) {
				select {
				case found <- strings.TrimPrefix(sc.Text(), prefix):
				default:
				}
			}
		}
		io.Copy(io.Discard, stdout)
		cmd.Wait()
		logf.Close()
		close(done)
	}()
	if prefix == "" {
		return ""
	}
	select {
	case s := <-found:
		return s
	case <-done:
		p.t.Fatalf("%s exited before printing %q; its log is %s", p.name, prefix, p.logPath)
	case <-time.After(60 * time.Second):
		p.t.Fatalf("%s printed no %q line within 60 s; its log is %s", p.name, prefix, p.logPath)
	}
	return ""
}

func (p *proc) current() (*exec.Cmd, chan struct{}) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cmd, p.done
}

// signal sends sig to the running process and waits up to within for it to
// exit; it reports whether it did.
func (p *proc) signal(sig syscall.Signal, within time.Duration) bool {
	cmd, done := p.current()
	if cmd == nil {
		return true
	}
	cmd.Process.Signal(sig)
	select {
	case <-done:
		return true
	case <-time.After(within):
		return false
	}
}

// kill ends the process at once (kill -9) and waits for it.
func (p *proc) kill() { p.signal(syscall.SIGKILL, time.Minute) }

// stop asks the process to end (SIGTERM), and kills it after within.
func (p *proc) stop(within time.Duration) (graceful bool) {
	if p.signal(syscall.SIGTERM, within) {
		return true
	}
	p.kill()
	return false
}

// waitFor polls ok every 100 ms until it holds or within passes.
func waitFor(within time.Duration, ok func() bool) bool {
	deadline := time.Now().Add(within)
	for {
		if ok() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(100 * time.Millisecond)
	}
}
