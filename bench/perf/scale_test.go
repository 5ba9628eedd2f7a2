//go:build bench

package perf

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/bulkverify/bulkverify/internal/proctest"
	"github.com/bulkverify/bulkverify/internal/redistest"
)

// Targets of issue 20's "How cost grows".
const (
	scaleRowTimeRatio  = 1.15      // time per row at 5M vs at 1M
	scaleServeRSS      = 100e6     // serve peak RSS, bytes
	scaleWorkOverLimit = 1.10      // work peak RSS vs its soft memory limit
	scaleRedisAbove    = 50e6      // Redis used_memory peak above idle, bytes
	scaleFinalize5M    = 40        // seconds to finalize 5M rows, 20 ms S3 latency
	scaleFinalizeRows  = 5_000_000 // the size the finalizing target is for
	scaleBaseRows      = 1_000_000 // the size time per row is compared with
	scaleS3Latency     = 20 * time.Millisecond
	scaleSamplePeriod  = 250 * time.Millisecond
)

// workSoftLimit is the soft memory limit `work` runs with here: GOMEMLIMIT
// or BV_MEMORY_LIMIT_MB when the harness's environment (which the processes
// inherit) sets one, else workMemoryLimit of cmd/bulkverify/main.go.
func workSoftLimit() int64 {
	if v := os.Getenv("GOMEMLIMIT"); v != "" {
		if n, ok := parseMemLimit(v); ok {
			return n
		}
	}
	if mb, err := strconv.ParseInt(os.Getenv("BV_MEMORY_LIMIT_MB"), 10, 64); err == nil && mb > 0 {
		return mb << 20
	}
	return 384 << 20
}

// parseMemLimit reads a GOMEMLIMIT value: bytes with an optional B, KiB,
// MiB, GiB or TiB suffix.
func parseMemLimit(v string) (int64, bool) {
	units := []struct {
		suffix string
		shift  uint
	}{{"TiB", 40}, {"GiB", 30}, {"MiB", 20}, {"KiB", 10}, {"B", 0}}
	shift := uint(0)
	for _, u := range units {
		if s, ok := strings.CutSuffix(v, u.suffix); ok {
			v, shift = s, u.shift
			break
		}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n << shift, err == nil && n > 0
}

// scaleSizes are the batch sizes of the run: BV_SCALE_SIZES (comma
// separated) or 100,000, 1,000,000 and 5,000,000.
func scaleSizes(t *testing.T) []int {
	v := os.Getenv("BV_SCALE_SIZES")
	if v == "" {
		return []int{100_000, 1_000_000, 5_000_000}
	}
	var sizes []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			t.Fatalf("BV_SCALE_SIZES=%q: %q is not a row count", v, f)
		}
		sizes = append(sizes, n)
	}
	return sizes
}

// scaleResult is what one batch size measured.
type scaleResult struct {
	rows, chunks         int
	endToEnd, intake     time.Duration
	finalizing, cpu      time.Duration
	serveRSS, workRSS    int64
	redisIdle, redisPeak int64
}

func (r scaleResult) perRow() time.Duration { return r.endToEnd / time.Duration(r.rows) }

// TestScale is issue 20's "How cost grows" (`make bench-scale`): batches of
// each size end to end on one worker against the zero-latency simulator,
// each on a fresh serve and work so that their peak RSS is the batch's.
func TestScale(t *testing.T) {
	began := time.Now()
	bin := proctest.Binary(t, "BV_BENCH_BIN", "../../bin/bulkverify")
	sizes := scaleSizes(t)
	var results []scaleResult
	s3kind := ""
	defer func() {
		out := scaleTable(results) + "\n" + machineLine(s3kind, time.Since(began)) + "\n"
		fmt.Println(out)
		if path := os.Getenv("BV_BENCH_REPORT"); path != "" {
			os.WriteFile(path, []byte(out), 0o644)
		}
	}()
	e := env{redis: redistest.URL(t)}
	s3 := startS3(t)
	e.s3, s3kind = s3.url, s3.kind
	e.proxy = startDelayProxy(t, s3.url)
	_, e.sim0 = proctest.Start(t, "simulate-0ms", bin, []string{"simulate", "--addr", "127.0.0.1:0", "--digilocker-client-secret", simSecret}, nil, "simulators: ")
	e.sim0 += "/digilocker"
	rdb := redistest.Connect(t, e.redis)
	t.Logf("%s: started S3 and the simulator", time.Since(began).Round(time.Second))
	for _, n := range sizes {
		results = append(results, scaleBatch(t, bin, e, rdb, n))
		t.Logf("%s: %d rows", time.Since(began).Round(time.Second), n)
	}
}

// scaleBatch runs one batch of n rows through a fresh serve and work. The
// worker writes to S3 through the delay proxy, which adds 20 ms to every
// request once the last chunks run, so that the finalizing phase sees it.
func scaleBatch(t *testing.T, bin string, e env, rdb *redis.Client, n int) scaleResult {
	path, size := writeCSVFile(t, fmt.Sprintf("x%d", n), n)
	defer os.Remove(path)
	serve, url := proctest.Start(t, fmt.Sprintf("serve-%d", n), bin, []string{"serve"}, e.vars("serve", e.s3, e.sim0), "api: ")
	defer serve.Stop(t)
	w, _ := proctest.Start(t, fmt.Sprintf("work-%d", n), bin, []string{"work"}, e.vars("work", e.proxy.url, e.sim0), "")
	defer w.Stop(t)
	a := newAPI(url)
	waitQueuesIdle(t, e.redis, time.Minute)
	r := scaleResult{rows: n, redisIdle: usedMemory(t, rdb)}
	peak := sampleMax(scaleSamplePeriod, func() int64 { return usedMemoryOrZero(rdb) })
	cpu0 := serve.CPU() + w.CPU()
	t0 := time.Now()
	id := uploadFile(t, a, path, size)
	r.intake = time.Since(t0)
	within := 2*time.Minute + time.Duration(n)*500*time.Microsecond
	st := a.wait(t, id, scaleSamplePeriod, within, func(st status) {
		if st.Chunks > 0 && st.DoneChunks >= st.Chunks-2*workerConcurrency && e.proxy.delay.Load() == 0 {
			e.proxy.delay.Store(int64(scaleS3Latency))
			t.Logf("%d rows: %v S3 latency on: %d of %d chunks done", n, scaleS3Latency, st.DoneChunks, st.Chunks)
		}
	})
	r.endToEnd = time.Since(t0)
	e.proxy.delay.Store(0)
	if st.Verified != n {
		t.Errorf("%d rows: %d verified, want all", n, st.Verified)
	}
	r.finalizing, r.chunks = st.CompletedAt.Sub(*st.FinalizingAt), st.Chunks
	waitQueuesIdle(t, e.redis, time.Minute)
	r.redisPeak = peak()
	r.cpu = serve.CPU() + w.CPU() - cpu0
	r.serveRSS, r.workRSS = serve.PeakRSS(), w.PeakRSS()
	t.Logf("%d rows: end to end %s (intake %s, finalizing %s), serve %.0f MB, work %.0f MiB, Redis +%.1f MB",
		n, r.endToEnd.Round(time.Millisecond), r.intake.Round(time.Millisecond), r.finalizing.Round(time.Millisecond),
		float64(r.serveRSS)/1e6, float64(r.workRSS)/(1<<20), float64(r.redisPeak-r.redisIdle)/1e6)
	return r
}

// writeCSVFile writes csvFile's rows (prefix, n) to a file in the test's
// temporary directory a row at a time, and returns its path and size.
func writeCSVFile(t *testing.T, prefix string, n int) (string, int64) {
	path := t.TempDir() + "/" + prefix + ".csv"
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := bufio.NewWriterSize(f, 1<<20)
	b.WriteString("reference_id,access_token,doctype\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(b, "%s-%d,%s,PANCR\n", prefix, i, token(prefix, i))
	}
	if err := b.Flush(); err != nil {
		t.Fatal(err)
	}
	fi, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	return path, fi.Size()
}

// uploadFile posts the CSV file at path as a raw body, streamed from disk,
// and returns the request id.
func uploadFile(t *testing.T, a *api, path string, size int64) string {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	req, _ := http.NewRequest(http.MethodPost, a.url+"/v1/verification/batch?provider=digilocker", f)
	req.ContentLength = size
	var acc struct {
		RequestID string `json:"request_id"`
	}
	a.do(t, req, &acc)
	return acc.RequestID
}

// sampleMax calls f every period until the returned function is called,
// which returns the largest value f gave.
func sampleMax(period time.Duration, f func() int64) func() int64 {
	var peak int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(period)
		defer tick.Stop()
		for {
			peak = max(peak, f())
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	return func() int64 {
		close(stop)
		wg.Wait()
		return max(peak, f())
	}
}

// usedMemoryOrZero is Redis's used_memory, 0 when INFO fails: a sampler
// runs outside the test's goroutine and must not call t.Fatal.
func usedMemoryOrZero(rdb *redis.Client) int64 {
	s, err := rdb.Info(context.Background(), "memory").Result()
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(s, "\r\n") {
		if v, ok := strings.CutPrefix(line, "used_memory:"); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	return 0
}

// scaleTable renders one row per batch size, each target's verdict beside
// its figure.
func scaleTable(rs []scaleResult) string {
	var base time.Duration
	for _, r := range rs {
		if r.rows == scaleBaseRows {
			base = r.perRow()
		}
	}
	limit := workSoftLimit()
	var b strings.Builder
	b.WriteString("| rows (chunks) | end to end (intake) | time per row | vs 1M rows (5M: ≤ 1.15×) | CPU per row, serve + work | finalizing, 20 ms S3 latency (5M: ≤ 40 s) | serve peak RSS (≤ 100 MB) | work peak RSS / soft limit (≤ limit + 10%) | Redis used_memory peak above idle (≤ 50 MB) |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range rs {
		vs := "–"
		if base > 0 {
			q := float64(r.perRow()) / float64(base)
			vs = fmt.Sprintf("%.2f×", q)
			if r.rows == scaleFinalizeRows {
				vs += verdict(q <= scaleRowTimeRatio)
			}
		}
		fin := secs(r.finalizing)
		if r.rows == scaleFinalizeRows {
			fin += verdict(r.finalizing <= scaleFinalize5M*time.Second)
		}
		above := r.redisPeak - r.redisIdle
		fmt.Fprintf(&b, "| %d (%d) | %s (%s) | %.1f µs | %s | %.1f µs | %s | %.0f MB%s | %.0f / %.0f MiB (%.2f×)%s | %.1f MB (idle %.1f MB)%s |\n",
			r.rows, r.chunks, secs(r.endToEnd), secs(r.intake), float64(r.perRow())/1e3, vs, float64(r.cpu)/float64(r.rows)/1e3, fin,
			float64(r.serveRSS)/1e6, verdict(r.serveRSS <= scaleServeRSS),
			float64(r.workRSS)/(1<<20), float64(limit)/(1<<20), float64(r.workRSS)/float64(limit), verdict(float64(r.workRSS) <= scaleWorkOverLimit*float64(limit)),
			float64(above)/1e6, float64(r.redisIdle)/1e6, verdict(above <= scaleRedisAbove))
	}
	b.WriteString("\nOne worker (defaults: 10 chunks × 8 rows at once), zero-latency DigiLocker simulator, no rate limit; a fresh serve and work for each size. End to end is upload start → completed, and includes the finalizing phase, whose S3 requests (and those of the last 20 chunks) see 20 ms added latency. Peak RSS is VmHWM; Redis is INFO used_memory every 250 ms.\n")
	return b.String()
}

func verdict(met bool) string {
	if met {
		return " — met"
	}
	return " — **not met**"
}
