//go:build chaos

package chaos

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// procSample is what one process uses at a moment: -1 where it could not be
// read (the process is down, being restarted).
type procSample struct {
	rssMB      float64
	goroutines int
	fds        int
}

// sample is the whole system at one moment of the soak.
type sample struct {
	at      time.Duration
	serve   procSample
	workers []procSample
	redisMB float64
	keys    int64
	// The load's figures so far.
	batches, rows                 int
	lost, duplicated, wrong       int
	unavailable                   int
	stall, p99small               time.Duration
	active                        int
	events                        []string
	submitErrors, batchesNotWhole int
}

// pid is the process id of p's current run, 0 when it is not running.
func (p *proc) pid() int {
	cmd, done := p.current()
	if cmd == nil || cmd.Process == nil {
		return 0
	}
	select {
	case <-done:
		return 0
	default:
		return cmd.Process.Pid
	}
}

// metricsAddr is the BV_METRICS_ADDR p was started with, if any.
func (p *proc) metricsAddr() string {
	addr := ""
	for _, kv := range p.env {
		if v, ok := strings.CutPrefix(kv, "BV_METRICS_ADDR="); ok {
			addr = v
		}
	}
	if addr == "off" {
		return ""
	}
	return addr
}

// measure reads p's resident memory (VmRSS in /proc/PID/status), its open
// file descriptors (/proc/PID/fd) and its goroutines (go_goroutines on its
// metrics listener).
func measure(p *proc) procSample {
	s := procSample{rssMB: -1, goroutines: -1, fds: -1}
	pid := p.pid()
	if pid == 0 {
		return s
	}
	kb, err := vmRSS(pid)
	if err != nil { // gone, or a zombie (no VmRSS, no fds)
		return s
	}
	s.rssMB = float64(kb) / 1024
	if fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid)); err == nil {
		s.fds = len(fds)
	}
	if addr := p.metricsAddr(); addr != "" {
		if n, err := goroutines("http://" + addr + "/metrics"); err == nil {
			s.goroutines = n
		}
	}
	return s
}

func vmRSS(pid int) (int, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			return strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
}

// goroutines reads the gauge go_goroutines from a Prometheus text page.
func goroutines(url string) (int, error) {
	hc := http.Client{Timeout: 5 * time.Second}
	resp, err := hc.Get(url)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "go_goroutines "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return int(f), err
		}
	}
	return 0, fmt.Errorf("%s: no go_goroutines", url)
}

// redisFigures reads used_memory (INFO memory) and the key count (DBSIZE)
// less the Idempotency-Key records: those are kept 24 hours by contract
// (one per upload with a key, as every soak upload has), so within an hour
// they only grow, and level off a day on; the rest must be flat. -1 where
// Redis does not answer.
func (c *cluster) redisFigures() (mb float64, keys int64) {
	mb, keys = -1, -1
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if info, err := c.rdb.Info(ctx, "memory").Result(); err == nil {
		for _, line := range strings.Split(info, "\r\n") {
			if v, ok := strings.CutPrefix(line, "used_memory:"); ok {
				if n, err := strconv.ParseInt(v, 10, 64); err == nil {
					mb = float64(n) / (1 << 20)
				}
			}
		}
	}
	if n, err := c.rdb.DBSize(ctx).Result(); err == nil {
		keys = n - c.idempotencyRecords(ctx)
	}
	return mb, keys
}

// idempotencyRecords counts the keys of Idempotency-Key records.
func (c *cluster) idempotencyRecords(ctx context.Context) int64 {
	var n int64
	iter := c.rdb.Scan(ctx, 0, "bv:idem:*", 1000).Iterator()
	for iter.Next(ctx) {
		n++
	}
	return n
}
