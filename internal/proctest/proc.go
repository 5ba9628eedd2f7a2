package proctest

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Proc is a process a test started.
type Proc struct {
	name string
	cmd  *exec.Cmd
	log  string
}

// Start runs path with args and env until the test ends (or Stop); its
// stderr goes to a log file whose tail is shown when the test fails. When prefix is not empty it waits
// for a stdout line starting with it and returns the rest of that line.
func Start(t testing.TB, name, path string, args []string, env map[string]string, prefix string) (*Proc, string) {
	t.Helper()
	cmd := exec.Command(path, args...)
	cmd.Env = os.Environ()
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	p := &Proc{name: name, cmd: cmd, log: filepath.Join(t.TempDir(), name+".log")}
	logf, err := os.Create(p.log)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = logf
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Stop(t); logf.Close() })
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if prefix != "" && strings.HasPrefix(sc.Text(), prefix) {
				select {
				case found <- strings.TrimPrefix(sc.Text(), prefix):
				default:
				}
			}
		}
	}()
	if prefix == "" {
		return p, ""
	}
	select {
	case s := <-found:
		return p, s
	case <-time.After(60 * time.Second):
		t.Fatalf("%s printed no %q line within 60s; log tail:\n%s", name, prefix, p.Tail())
	}
	return p, ""
}

// Stop ends the process with SIGTERM (SIGKILL after 40 s); it may be called
// more than once.
func (p *Proc) Stop(t testing.TB) {
	if p.cmd.ProcessState != nil {
		return
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(40 * time.Second):
		p.cmd.Process.Kill()
		<-done
	}
	if t.Failed() {
		t.Logf("%s log tail:\n%s", p.name, p.Tail())
	}
}

// Tail is the end of the process's log.
func (p *Proc) Tail() string {
	b, _ := os.ReadFile(p.log)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// CPU returns the CPU time (user + system) the process has used so far.
func (p *Proc) CPU() time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	// Fields after the command name, which is in parentheses.
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * time.Second / 100 // USER_HZ
}

// PeakRSS returns the process's peak resident set (VmHWM) in bytes.
func (p *Proc) PeakRSS() int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
