//go:build chaos

package chaos

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The finalizer scenario (issue 21): a batch of a million rows runs with no
// rate limit until its rows are done, then the worker assembling its output
// is killed -9 half-way through and left down. The finalizer's lease
// (worker/finalize_lease.go) lapses and the sweepers of the two other
// workers queue it again: it must start again within 30 s of the kill, and
// the output must be whole.

// finalizeRows is the size of the finalizer scenario's batch.
var finalizeRows = envInt("BV_CHAOS_FINALIZE_ROWS", 1_000_000)

// finalizeKillCPU is the CPU time, in clock ticks (1/100 s), the worker
// assembling the output spends from its lease to its kill
// (BV_CHAOS_FINALIZE_KILL_CPU_MS, default 1.6 ms a thousand rows): about
// half of an assembly, which took 3.26 s of CPU for a million rows, and
// 7.8 to 12.8 s of wall time on a shared 2-core machine. CPU time, unlike
// wall time, does not stretch with the machine's other load. The table
// gives the share it was: the kill's point over the time and the CPU the
// copy took to assemble it all again.
var finalizeKillCPU = int64(envInt("BV_CHAOS_FINALIZE_KILL_CPU_MS", finalizeRows*16/10000) / 10)

// unlimited lets the workers call the simulator as fast as they can, so
// that a million rows are done in minutes (the simulator's own limit is
// turned off by "--rate-limit 0" in the scenario's simArgs).
func unlimited(string) []string { return []string{"BV_DIGILOCKER_RATE=0", "BV_API_RATE=0"} }

// finalizeLeaseKey is the Redis key of the finalizer's lease on batch id:
// the lease of chunk -1 (storage/keys.go leaseKey, worker finalizeLease).
func finalizeLeaseKey(id string) string { return "bv:batch:{" + id + "}:lease:-1" }

// stateKey is the batch's state hash (storage/keys.go batchKey).
func stateKey(id string) string { return "bv:batch:{" + id + "}" }

// finalizerKill is what happened to the finalizer of the batch under test.
type finalizerKill struct {
	mu sync.Mutex
	// leased is when the first finalizer took its lease; killed when its
	// worker was killed; resumed when another delivery took the lease
	// again (a new token).
	leased, killed, resumed time.Time
	worker                  string // the worker killed
	cpu                     string // the workers' CPU ticks over the sampling window
	// killedTicks is the CPU time the killed worker spent from the lease
	// to the kill; copyTicks, the time the copy's worker spent from its
	// lease to its end: the kill's point in the assembly, in CPU.
	killedTicks, copyTicks int64
	err                    error // the scenario could not do what it says
}

func (f *finalizerKill) set(do func(f *finalizerKill)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	do(f)
}

// killFinalizer waits for the finalizer of the batch under test to take
// its lease, finds the worker that runs it (the one whose CPU time moves:
// the others have no chunk left), kills it -9 once it has spent
// finalizeKillCPU since the lease was taken, leaves it down, and waits for
// another worker's delivery to take the lease again.
func (c *cluster) killFinalizer() {
	f := c.finalizer
	ctx := context.Background()
	key := finalizeLeaseKey(c.batch)
	lease := func() string { s, _ := c.rdb.Get(ctx, key).Result(); return s }
	var token string
	if !waitEvery(60*time.Second, 10*time.Millisecond, func() bool { token = lease(); return token != "" }) {
		f.set(func(f *finalizerKill) { f.err = fmt.Errorf("the finalizer took no lease within 60 s of the last row") })
		return
	}
	leased := time.Now()
	i, start, cpu := c.busiestWorker(500 * time.Millisecond)
	w := c.workers[i]
	waitEvery(2*time.Minute, 10*time.Millisecond, func() bool { return w.cpuTicks()-start[i] >= finalizeKillCPU || lease() != token })
	if lease() != token {
		f.set(func(f *finalizerKill) {
			f.err = fmt.Errorf("the finalizer ended within %d ms of CPU, before the kill: lower BV_CHAOS_FINALIZE_KILL_CPU_MS", finalizeKillCPU*10)
		})
		return
	}
	ticks := w.cpuTicks() - start[i]
	killed := time.Now()
	w.kill()
	state, _ := c.rdb.HGet(ctx, stateKey(c.batch), "state").Result()
	f.set(func(f *finalizerKill) {
		f.leased, f.killed, f.worker, f.cpu, f.killedTicks = leased, killed, w.name, cpu, ticks
	})
	if state != "finalizing" {
		f.set(func(f *finalizerKill) {
			f.err = fmt.Errorf("the batch was %s when its finalizer was killed, not finalizing", state)
		})
		return
	}
	if !waitEvery(2*time.Minute, 50*time.Millisecond, func() bool { s := lease(); return s != "" && s != token }) {
		f.set(func(f *finalizerKill) {
			f.err = fmt.Errorf("no finalizer took the lease again within 2 min of the kill")
		})
		return
	}
	f.set(func(f *finalizerKill) { f.resumed = time.Now() })
	j, start, _ := c.busiestWorker(500 * time.Millisecond)
	token = lease()
	if waitEvery(2*time.Minute, 20*time.Millisecond, func() bool { return lease() != token }) {
		ticks := c.workers[j].cpuTicks() - start[j]
		f.set(func(f *finalizerKill) { f.copyTicks = ticks })
	}
}

// busiestWorker samples the CPU time of every worker over window and
// returns the index of the one that used the most, every worker's CPU time
// when the window began, and a line of every worker's ticks in it.
func (c *cluster) busiestWorker(window time.Duration) (best int, before []int64, line string) {
	before = make([]int64, len(c.workers))
	for i, w := range c.workers {
		before[i] = w.cpuTicks()
	}
	time.Sleep(window)
	var most int64 = -1
	var ticks []string
	for i, w := range c.workers {
		d := w.cpuTicks() - before[i]
		ticks = append(ticks, fmt.Sprintf("%s %d", w.name, d))
		if d > most {
			best, most = i, d
		}
	}
	return best, before, strings.Join(ticks, ", ")
}

// cpuTicks is the process's user and system time in clock ticks, from
// /proc/PID/stat; -1 when it cannot be read.
func (p *proc) cpuTicks() int64 {
	cmd, _ := p.current()
	if cmd == nil || cmd.Process == nil {
		return -1
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", cmd.Process.Pid))
	if err != nil {
		return -1
	}
	// The fields after the command's name, which is in parentheses:
	// state is the first, utime the 12th and stime the 13th.
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	if len(f) < 13 {
		return -1
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return u + s
}

// waitEvery polls ok every pace until it holds or within passes.
func waitEvery(within, pace time.Duration, ok func() bool) bool {
	deadline := time.Now().Add(within)
	for !ok() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(pace)
	}
	return true
}

// finalizerOutcome is the finalizer scenario's figures: how far into the
// first assembly its worker was killed, how long until another worker's
// delivery took the lease again, and how long the copy took to finish
// (a whole assembly: its share is the kill's point in it).
type finalizerOutcome struct {
	worker, cpu                  string
	killAfter, resumeIn, copyRan time.Duration
	killedTicks, copyTicks       int64
}

// finalizerFigures reads f once the batch ended; completed is the batch's
// completed_at.
func finalizerFigures(f *finalizerKill, completed time.Time) (finalizerOutcome, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return finalizerOutcome{}, f.err
	}
	if f.killed.IsZero() {
		return finalizerOutcome{}, fmt.Errorf("the finalizer's worker was never killed")
	}
	fo := finalizerOutcome{worker: f.worker, cpu: f.cpu, killAfter: f.killed.Sub(f.leased), killedTicks: f.killedTicks, copyTicks: f.copyTicks}
	if f.resumed.IsZero() {
		return fo, nil
	}
	fo.resumeIn = f.resumed.Sub(f.killed)
	if !completed.IsZero() {
		fo.copyRan = completed.Sub(f.resumed)
	}
	return fo, nil
}

// String is the finalizer's line in the table's stall column.
func (fo finalizerOutcome) String() string {
	share := ""
	if fo.copyRan > 0 {
		share = fmt.Sprintf(" (%.0f%% of the copy's %.1f s assembly", 100*fo.killAfter.Seconds()/fo.copyRan.Seconds(), fo.copyRan.Seconds())
		if fo.copyTicks > 0 {
			share += fmt.Sprintf("; in CPU, %d of the copy's %d ticks, %.0f%%", fo.killedTicks, fo.copyTicks, 100*float64(fo.killedTicks)/float64(fo.copyTicks))
		}
		share += ")"
	}
	return fmt.Sprintf("finalizer on %s (CPU ticks over 0.5 s: %s) killed %.1f s into its assembly%s; lease taken again %.1f s after the kill",
		fo.worker, fo.cpu, fo.killAfter.Seconds(), share, fo.resumeIn.Seconds())
}
