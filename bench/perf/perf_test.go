//go:build bench

// Package perf is the performance benchmark of issue 13 (`make bench`): the
// real binary as separate processes (serve, work, simulate) on a real
// redis-server and a real S3 server, each figure printed beside a baseline
// measured in the same run and their ratio.
package perf

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/bulkverify/bulkverify/internal/proctest"
	"github.com/bulkverify/bulkverify/internal/redistest"
	"github.com/bulkverify/bulkverify/provider/digilocker"
)

func TestMain(m *testing.M) {
	if mode := os.Getenv("BV_PERF_MODE"); mode != "" {
		runMode(mode)
	}
	redistest.Main(m)
}

// Sizes of the run; BV_BENCH_SCALE (a fraction) shrinks the big batches
// for a quick try.
var (
	smallRuns      = 30
	throughputRows = 200_000
	claimsRows     = 50_000
	scaleRows      = 1_000_000
)

// The worker's defaults, which the plain loop matches.
const (
	workerConcurrency = 10
	rowConcurrency    = 8
)

// env is what serve and work share.
type env struct {
	redis, s3, sim0, sim20 string
	proxy                  *delayProxy
}

// vars returns the environment of serve or work (role); the profiler is
// served where BV_BENCH_PPROF_SERVE or BV_BENCH_PPROF_WORK say.
func (e env) vars(role, s3, sim string) map[string]string {
	return map[string]string{
		"BV_REDIS_URL":                e.redis,
		"BV_HTTP_ADDR":                "127.0.0.1:0",
		"BV_METRICS_ADDR":             "off",
		"BV_LOG_LEVEL":                "warn",
		"BV_CLIENTS":                  clientID + ":" + clientSecret,
		"BV_API_RATE":                 "0",
		"BV_S3_ENDPOINT":              s3,
		"BV_S3_ACCESS_KEY_ID":         s3Key,
		"BV_S3_SECRET_ACCESS_KEY":     s3Secret,
		"BV_DATA_KEY":                 base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32)),
		"BV_DIGILOCKER_BASE_URL":      sim,
		"BV_DIGILOCKER_CLIENT_SECRET": simSecret,
		"BV_DIGILOCKER_RATE":          "0",
		"BV_DIGILOCKER_XML_CERT":      digilocker.SimXMLCertPEM,
		"BV_PPROF_ADDR":               os.Getenv("BV_BENCH_PPROF_" + strings.ToUpper(role)),
	}
}

func TestPerf(t *testing.T) {
	if f, err := strconv.ParseFloat(os.Getenv("BV_BENCH_SCALE"), 64); err == nil && f > 0 && f < 1 {
		throughputRows, scaleRows, smallRuns = int(float64(throughputRows)*f), int(float64(scaleRows)*f), max(int(float64(smallRuns)*f), 5)
		claimsRows = int(float64(claimsRows) * f)
	}
	if n, err := strconv.Atoi(os.Getenv("BV_BENCH_SCALE_ROWS")); err == nil && n > 0 {
		scaleRows = n
	}
	began := time.Now()
	bin := proctest.Binary(t, "BV_BENCH_BIN", "../../bin/bulkverify")
	var tab table
	// The table is printed even when a phase fails: what was measured
	// stands.
	defer func() {
		out := tab.render(machineLine(tab.s3, time.Since(began)))
		fmt.Println(out)
		if path := os.Getenv("BV_BENCH_REPORT"); path != "" {
			os.WriteFile(path, []byte(out), 0o644)
		}
	}()
	e := env{redis: redistest.URL(t)}
	s3 := startS3(t)
	e.s3, tab.s3 = s3.url, s3.kind
	e.proxy = startDelayProxy(t, s3.url)
	_, e.sim0 = proctest.Start(t, "simulate-0ms", bin, []string{"simulate", "--addr", "127.0.0.1:0", "--digilocker-client-secret", simSecret}, nil, "simulators: ")
	_, e.sim20 = proctest.Start(t, "simulate-20ms", bin, []string{"simulate", "--addr", "127.0.0.1:0", "--latency", "20ms", "--digilocker-client-secret", simSecret}, nil, "simulators: ")
	e.sim0 += "/digilocker"
	e.sim20 += "/digilocker"
	serve, url := proctest.Start(t, "serve", bin, []string{"serve"}, e.vars("serve", e.s3, e.sim0), "api: ")
	a := newAPI(url)
	rdb := redistest.Connect(t, e.redis)

	t.Logf("%s: started S3, simulators and serve", time.Since(began).Round(time.Second))
	// BV_BENCH_ONLY=small,status,throughput,scale runs some phases only.
	only := os.Getenv("BV_BENCH_ONLY")
	want := func(phase string) bool { return only == "" || slices.Contains(strings.Split(only, ","), phase) }
	if want("small") || want("status") {
		lastSmall := smallBatches(t, &tab, bin, e, a)
		t.Logf("%s: small batches", time.Since(began).Round(time.Second))
		if want("status") {
			statusEndpoint(t, &tab, a, lastSmall)
			t.Logf("%s: status endpoint", time.Since(began).Round(time.Second))
		}
	}
	if want("throughput") {
		throughput(t, &tab, bin, e, a, serve, rdb)
		t.Logf("%s: throughput", time.Since(began).Round(time.Second))
	}
	if want("claims") {
		claimsThroughput(t, &tab, bin, e, a)
		t.Logf("%s: claims", time.Since(began).Round(time.Second))
	}
	if want("scale") {
		scale(t, &tab, bin, e, a, serve, rdb)
		t.Logf("%s: scale", time.Since(began).Round(time.Second))
	}

}

// smallBatches measures 10-row batches against a 20 ms upstream, upload to
// status 200, and the same 20 calls in a plain loop. It returns the id of
// the last batch, completed.
func smallBatches(t *testing.T, tab *table, bin string, e env, a *api) string {
	w, _ := proctest.Start(t, "work-20ms", bin, []string{"work"}, e.vars("work", e.s3, e.sim20), "")
	defer w.Stop(t)
	a.wait(t, a.upload(t, csvFile("warm", 10)), 5*time.Millisecond, time.Minute, nil)
	var took, pickup []time.Duration
	var last string
	for i := range smallRuns {
		body := csvFile(fmt.Sprintf("s%d", i), 10)
		t0 := time.Now()
		last = a.upload(t, body)
		st := a.wait(t, last, 5*time.Millisecond, time.Minute, nil)
		took = append(took, time.Since(t0))
		pickup = append(pickup, st.StartedAt.Sub(*st.CreatedAt))
	}
	v, err := verifier(e.sim20)
	if err != nil {
		t.Fatal(err)
	}
	var loop []time.Duration
	for i := range smallRuns {
		t0 := time.Now()
		if _, err := plainLoop(v, fmt.Sprintf("l%d", i), 10, rowConcurrency, false); err != nil {
			t.Fatal(err)
		}
		loop = append(loop, time.Since(t0))
	}
	slices.Sort(took)
	slices.Sort(pickup)
	slices.Sort(loop)
	p50, p99 := percentile(took, 0.5), percentile(took, 0.99)
	l50, l99 := percentile(loop, 0.5), percentile(loop, 0.99)
	tab.add(fmt.Sprintf("10-row batch, 20 ms upstream, upload → status 200, p50 / p99 (%d batches)", smallRuns),
		secs(p50)+" / "+secs(p99), secs(l50)+" / "+secs(l99)+" (the same 20 calls in a plain loop)",
		ratio(p50, l50)+" / "+ratio(p99, l99),
		"p50 ≤ 0.300 s, p99 ≤ 0.600 s", p50 <= 300*time.Millisecond && p99 <= 600*time.Millisecond)
	tab.add("of which: queue pick-up (created → started), median", secs(percentile(pickup, 0.5)), "–", "–", "", true)
	return last
}

// statusEndpoint loads the status route of a completed batch and of one in
// progress, and a minimal net/http + JSON handler serving the same body.
func statusEndpoint(t *testing.T, tab *table, a *api, completed string) {
	st, body := a.status(t, completed)
	if st.OutputURL == nil {
		t.Fatalf("completed batch %s has no output URL", completed)
	}
	// No worker runs now: this batch stays queued, in progress.
	queued := a.upload(t, csvFile("queued", 10))
	path := t.TempDir() + "/body.json"
	os.WriteFile(path, body, 0o644)
	_, minimal := proctest.Start(t, "minimal", os.Args[0], []string{"-test.run=^$"}, map[string]string{"BV_PERF_MODE": "minimal", "BV_PERF_BODY": path}, "minimal: ")
	const conns, d, rounds = 50, 2 * time.Second, 3
	var mins, dones, progs []loadResult
	for range rounds {
		mins = append(mins, load(t, minimal, nil, conns, d))
		dones = append(dones, load(t, a.statusURL(completed), authHeader(), conns, d))
		progs = append(progs, load(t, a.statusURL(queued), authHeader(), conns, d))
	}
	m, c, p := medianLoad(mins), medianLoad(dones), medianLoad(progs)
	tab.add("status endpoint, completed batch (2 presigned URLs), 50 connections, req/s",
		fmt.Sprintf("%.0f req/s", c.rps), fmt.Sprintf("%.0f req/s (minimal net/http + JSON, same body)", m.rps),
		fmt.Sprintf("%.2f×", c.rps/m.rps), "≥ 0.5×", c.rps >= 0.5*m.rps)
	tab.add("status endpoint, completed batch, p99 at 50 connections",
		ms(c.p99), ms(m.p99), ratio(c.p99, m.p99), "≤ 1.5×", float64(c.p99) <= 1.5*float64(m.p99))
	tab.add("status endpoint, in progress, req/s",
		fmt.Sprintf("%.0f req/s, p99 %s", p.rps, ms(p.p99)), fmt.Sprintf("%.0f req/s", m.rps), fmt.Sprintf("%.2f×", p.rps/m.rps), "≥ 0.8×", p.rps >= 0.8*m.rps)
}

func medianLoad(rs []loadResult) loadResult {
	slices.SortFunc(rs, func(a, b loadResult) int { return int(a.rps - b.rps) })
	rps := rs[len(rs)/2].rps
	slices.SortFunc(rs, func(a, b loadResult) int { return int(a.p99 - b.p99) })
	return loadResult{rps: rps, p99: rs[len(rs)/2].p99}
}

// throughput runs a big batch through one worker with no rate limit against
// a zero-latency upstream, and the same calls in a plain loop.
func throughput(t *testing.T, tab *table, bin string, e env, a *api, serve *proctest.Proc, rdb *redis.Client) {
	// The loop runs before and after the batch and counts as their mean,
	// so that a machine whose load changes during the run (other jobs on
	// the same cores) favours neither side.
	loop1 := runLoop(t, e.sim0, "loop", throughputRows, workerConcurrency*rowConcurrency)
	w, _ := proctest.Start(t, "work-throughput", bin, []string{"work"}, e.vars("work", e.s3, e.sim0), "")
	defer w.Stop(t)
	waitQueuesIdle(t, e.redis, time.Minute) // the worker takes the batch the status phase left queued
	body := csvFile("tp", throughputRows)
	cmds0 := commandsProcessed(t, rdb)
	cpu0 := serve.CPU() + w.CPU()
	t0 := time.Now()
	id := a.upload(t, body)
	a.wait(t, id, 250*time.Millisecond, 10*time.Minute, nil)
	elapsed := time.Since(t0)
	cpu := serve.CPU() + w.CPU() - cpu0
	cmds := commandsProcessed(t, rdb) - cmds0
	loop2 := runLoop(t, e.sim0, "loop2", throughputRows, workerConcurrency*rowConcurrency)
	loop := loopResult{elapsed: (loop1.elapsed + loop2.elapsed) / 2, cpu: (loop1.cpu + loop2.cpu) / 2}
	t.Logf("plain loop: %s and %s; batch: %s", loop1.elapsed.Round(time.Millisecond), loop2.elapsed.Round(time.Millisecond), elapsed.Round(time.Millisecond))
	rps, lrps := float64(throughputRows)/elapsed.Seconds(), float64(throughputRows)/loop.elapsed.Seconds()
	tab.add(fmt.Sprintf("end to end, %d rows, 1 worker, no rate limit", throughputRows),
		fmt.Sprintf("%.0f rows/s", rps), fmt.Sprintf("%.0f rows/s (plain Go loop, same calls, %d at once)", lrps, workerConcurrency*rowConcurrency),
		fmt.Sprintf("%.2f×", rps/lrps), "≥ 0.9×", rps >= 0.9*lrps)
	per := func(d time.Duration) time.Duration { return d * 1000 / time.Duration(throughputRows) }
	tab.add("CPU per 1,000 rows (serve + work)", secs(per(cpu)), secs(per(loop.cpu)), ratio(cpu, loop.cpu), "≤ 1.15×", float64(cpu) <= 1.15*float64(loop.cpu))
	cpr := float64(cmds) / float64(throughputRows)
	tab.add("Redis commands per row", fmt.Sprintf("%.2f", cpr), "–", "–", "≤ 1.2", cpr <= 1.2)
}

// claimsThroughput measures rows that carry all four claims on a document
// with a certificate (list, file and the signed certificate XML, checked
// against BV_DIGILOCKER_XML_CERT) beside the same number of claim-free
// rows, both end to end, and beside a plain loop making the claims rows'
// calls with the same client.
func claimsThroughput(t *testing.T, tab *table, bin string, e env, a *api) {
	w, _ := proctest.Start(t, "work-claims", bin, []string{"work"}, e.vars("work", e.s3, e.sim0), "")
	defer w.Stop(t)
	waitQueuesIdle(t, e.redis, time.Minute)
	run := func(body []byte) time.Duration {
		t0 := time.Now()
		id := a.upload(t, body)
		st := a.wait(t, id, 250*time.Millisecond, 10*time.Minute, nil)
		if st.Verified != claimsRows {
			t.Fatalf("batch %s: %d of %d rows verified, want all", id, st.Verified, claimsRows)
		}
		return time.Since(t0)
	}
	plain := run(csvFile("cf", claimsRows))
	claimed := run(claimsCSV("cl", claimsRows))
	loop := runClaimsLoop(t, e.sim0, "cloop", claimsRows, workerConcurrency*rowConcurrency)
	rps := func(d time.Duration) float64 { return float64(claimsRows) / d.Seconds() }
	tab.add(fmt.Sprintf("end to end, %d rows with all four claims (certificate XML, signature checked)", claimsRows),
		fmt.Sprintf("%.0f rows/s", rps(claimed)), fmt.Sprintf("%.0f rows/s (the same rows without claims)", rps(plain)),
		fmt.Sprintf("%.2f×", rps(claimed)/rps(plain)), "– (one more request a row)", true)
	tab.add("the same claims rows vs a plain loop making their calls",
		fmt.Sprintf("%.0f rows/s", rps(claimed)), fmt.Sprintf("%.0f rows/s (plain Go loop: list, file, certificate, %d at once)", rps(loop.elapsed), workerConcurrency*rowConcurrency),
		fmt.Sprintf("%.2f×", rps(claimed)/rps(loop.elapsed)), "≥ 0.85×", rps(claimed) >= 0.85*rps(loop.elapsed))
}

// scale uploads a 1,000,000-row file, samples Redis memory while it runs,
// injects 20 ms into every S3 request of the worker once its last chunks
// run (so the whole finalizing phase sees it), and compares the finalizing
// phase with a local encoding/csv copy of the same output.
func scale(t *testing.T, tab *table, bin string, e env, a *api, serve *proctest.Proc, rdb *redis.Client) {
	w, _ := proctest.Start(t, "work-scale", bin, []string{"work"}, e.vars("work", e.proxy.url, e.sim0), "")
	defer w.Stop(t)
	body := csvFile("big", scaleRows)
	idleMem, idleKeys := usedMemory(t, rdb), dbSize(t, rdb)
	var peak int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
			peak = max(peak, usedMemory(t, rdb))
		}
	}()
	t0 := time.Now()
	id := a.upload(t, body)
	intake := time.Since(t0)
	rss := serve.PeakRSS()
	t.Logf("intake of %d rows: %s, serve peak RSS %.0f MB", scaleRows, intake.Round(time.Millisecond), float64(rss)/1e6)
	st := a.wait(t, id, 200*time.Millisecond, 15*time.Minute, func(st status) {
		if st.Chunks > 0 && st.DoneChunks >= st.Chunks-2*workerConcurrency && e.proxy.delay.Load() == 0 {
			e.proxy.delay.Store(int64(20 * time.Millisecond))
			t.Logf("20 ms S3 latency on: %d of %d chunks done", st.DoneChunks, st.Chunks)
		}
	})
	e.proxy.delay.Store(0)
	close(stop)
	wg.Wait()
	finalizing := st.CompletedAt.Sub(*st.FinalizingAt)
	waitQueuesIdle(t, e.redis, time.Minute) // asynq acknowledges the last tasks
	afterMem, keysLeft := usedMemory(t, rdb), dbSize(t, rdb)-idleKeys

	csvRate := medianOf(3, func() time.Duration { return readCSV(t, body) })
	out := download(t, *st.OutputURL)
	local := medianOf(3, func() time.Duration { return copyCSV(t, out) })
	tab.add(fmt.Sprintf("%d rows: finalizing phase, 20 ms added to every S3 request", scaleRows),
		secs(finalizing), secs(local)+" (encoding/csv read + write of the same output, local files)",
		ratio(finalizing, local), "≤ 3× and ≤ 15 s", float64(finalizing) <= 3*float64(local) && finalizing <= 15*time.Second)
	ir, cr := float64(scaleRows)/intake.Seconds(), float64(scaleRows)/csvRate.Seconds()
	tab.add(fmt.Sprintf("intake of a %d-row file (raw body, %.0f MB)", scaleRows, float64(len(body))/1e6),
		fmt.Sprintf("%.2f M rows/s, serve peak RSS %.0f MB", ir/1e6, float64(rss)/1e6), fmt.Sprintf("%.2f M rows/s (encoding/csv read)", cr/1e6),
		fmt.Sprintf("%.2f×", ir/cr), "≥ 0.25×, RSS ≤ 100 MB", ir >= 0.25*cr && rss <= 100e6)
	tab.add(fmt.Sprintf("Redis used_memory during the %d-row batch: peak above idle / after it", scaleRows),
		fmt.Sprintf("%.1f MB / %.1f MB", float64(peak-idleMem)/1e6, float64(afterMem-idleMem)/1e6), fmt.Sprintf("idle %.1f MB", float64(idleMem)/1e6), "–",
		"≤ 50 MB", peak-idleMem <= 50e6)
	tab.add("Redis keys left by the finished batch", strconv.FormatInt(keysLeft, 10), "–", "–", "≤ 20", keysLeft <= 20)
}

// medianOf runs f n times and returns the median of what it measured.
func medianOf(n int, f func() time.Duration) time.Duration {
	var ds []time.Duration
	for range n {
		ds = append(ds, f())
	}
	slices.Sort(ds)
	return ds[len(ds)/2]
}

// readCSV reads body with encoding/csv and returns how long it took.
func readCSV(t *testing.T, body []byte) time.Duration {
	t0 := time.Now()
	r := csv.NewReader(bytes.NewReader(body))
	for {
		_, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return time.Since(t0)
}

// download saves url to a local file and returns its path.
func download(t *testing.T, url string) string {
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	path := t.TempDir() + "/output.csv"
	f, _ := os.Create(path)
	defer f.Close()
	if _, err := io.Copy(f, resp.Body); err != nil {
		t.Fatal(err)
	}
	return path
}

// copyCSV reads a local CSV file with encoding/csv and writes every record
// to another local file.
func copyCSV(t *testing.T, path string) time.Duration {
	t0 := time.Now()
	in, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, _ := os.Create(path + ".copy")
	defer out.Close()
	r, w := csv.NewReader(in), csv.NewWriter(out)
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		w.Write(rec)
	}
	w.Flush()
	return time.Since(t0)
}

func info(t *testing.T, rdb *redis.Client, section, field string) int64 {
	s, err := rdb.Info(context.Background(), section).Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(s, "\r\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	t.Fatalf("INFO %s has no %s", section, field)
	return 0
}

func commandsProcessed(t *testing.T, rdb *redis.Client) int64 {
	return info(t, rdb, "stats", "total_commands_processed")
}
func usedMemory(t *testing.T, rdb *redis.Client) int64 { return info(t, rdb, "memory", "used_memory") }
func dbSize(t *testing.T, rdb *redis.Client) int64 {
	n, err := rdb.DBSize(context.Background()).Result()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// table is the one table the harness prints.
type table struct {
	rows [][]string
	s3   string
}

func (tb *table) add(figure, got, baseline, ratio, target string, met bool) {
	verdict := ""
	if target != "" {
		verdict = "met"
		if !met {
			verdict = "**not met**"
		}
		target += " — " + verdict
	}
	tb.rows = append(tb.rows, []string{figure, got, baseline, ratio, target})
}

func (tb *table) render(machine string) string {
	var b strings.Builder
	b.WriteString("| figure | bulkverify | baseline in the same run | ratio | target |\n|---|---|---|---|---|\n")
	for _, r := range tb.rows {
		b.WriteString("| " + strings.Join(r, " | ") + " |\n")
	}
	b.WriteString("\n" + machine + "\n")
	return b.String()
}

func machineLine(s3 string, took time.Duration) string {
	model := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	redisVersion := "redis-server"
	if out, err := exec.Command("redis-server", "--version").Output(); err == nil {
		redisVersion = strings.Fields(string(out))[2]
	}
	return fmt.Sprintf("Machine: %d cores (%s), %s, %s %s, S3: %s; run took %s.",
		runtime.NumCPU(), model, runtime.Version(), "Redis", strings.TrimPrefix(redisVersion, "v="), s3, took.Round(time.Second))
}

func secs(d time.Duration) string { return fmt.Sprintf("%.3f s", d.Seconds()) }
func ms(d time.Duration) string   { return fmt.Sprintf("%.1f ms", float64(d)/1e6) }
func ratio(a, b time.Duration) string {
	if b == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f×", float64(a)/float64(b))
}
