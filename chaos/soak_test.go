//go:build chaos

package chaos

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify/internal/proctest"
)

// soakSettings are the soak's knobs, from the environment.
type soakSettings struct {
	length    time.Duration // BV_SOAK_DURATION, default 1h
	killEvery time.Duration // BV_SOAK_KILL_EVERY, default 10m
	every     time.Duration // the sampling interval: a minute, less for runs under an hour
	warmUp    time.Duration // 10 minutes of an hour, as much of a shorter run
	drain     time.Duration // BV_SOAK_DRAIN: how long after the last submission batches may take
	seed      uint64        // BV_SOAK_SEED, default the clock
	shape     loadShape
	report    string // BV_SOAK_REPORT: the directory of soak.md and soak.svg
}

func envDuration(t *testing.T, name string, def time.Duration) time.Duration {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		t.Fatalf("%s=%q: want a duration such as 1h or 6m", name, v)
	}
	return d
}

func soakSettingsFromEnv(t *testing.T) soakSettings {
	s := soakSettings{
		length:    envDuration(t, "BV_SOAK_DURATION", time.Hour),
		killEvery: envDuration(t, "BV_SOAK_KILL_EVERY", 10*time.Minute),
		report:    os.Getenv("BV_SOAK_REPORT"),
		seed:      uint64(time.Now().UnixNano()),
	}
	if v := os.Getenv("BV_SOAK_SEED"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("BV_SOAK_SEED=%q: want a number", v)
		}
		s.seed = n
	}
	if s.report == "" {
		s.report = "../.bench"
	}
	scale := float64(s.length) / float64(time.Hour)
	s.every = min(time.Minute, max(10*time.Second, s.length/60))
	s.warmUp = min(10*time.Minute, s.length/6)
	s.drain = envDuration(t, "BV_SOAK_DRAIN", max(5*time.Minute, s.length/4))
	s.shape = loadShape{
		length:  s.length,
		meanGap: envDuration(t, "BV_SOAK_GAP", 30*time.Second),
		budget:  envInt("BV_SOAK_ROWS", int(100000*scale)),
		biggest: max(1000, min(100000, int(100000*scale))),
	}
	return s
}

// retention is how long a finished batch keeps its files (BV_RETENTION): its
// state leaves Redis two retentions after it finished, so that the key
// count can level off within the warm-up.
func (s soakSettings) retention() time.Duration {
	return max(30*time.Second, s.warmUp*2/5)
}

// soakLayout is the cluster of the soak: the four tenants, the four
// providers at the global limit each, the faults mix on every simulator,
// and a metrics listener on every process.
func soakLayout(s soakSettings) layout {
	var clients []string
	for _, tn := range soakTenants {
		clients = append(clients, tn.id+":"+tn.key)
	}
	return layout{
		simArgs: append(append([]string{}, faultMix...), "--429-rate", "0.05", "--seed", strconv.FormatUint(s.seed%1000000, 10)),
		metrics: true,
		env: func(sim string) []string {
			env := []string{
				"BV_CLIENTS=" + strings.Join(clients, ","),
				"BV_RETENTION=" + s.retention().String(),
				"BV_SILA_ACCESS_TOKEN=dev-sila-access-token",
				"BV_SILA_APP_HANDLE=bulkverify.silamoney.eth",
				"BV_FLEXFACTOR_CLIENT_ID=dev-flexfactor-client",
				"BV_FLEXFACTOR_CLIENT_SECRET=dev-flexfactor-client-secret",
				"BV_DEEPVUE_CLIENT_ID=dev-deepvue-client",
				"BV_DEEPVUE_CLIENT_SECRET=dev-deepvue-client-secret",
			}
			for _, p := range soakProviders {
				pre := "BV_" + strings.ToUpper(p.name) + "_"
				env = append(env, pre+"BASE_URL="+sim+"/"+p.name, pre+"RATE="+strconv.Itoa(globalRate))
			}
			return env
		},
	}
}

// TestSoak runs the system for BV_SOAK_DURATION (default 1h) with four
// tenants submitting batches of 10 to 100,000 rows to the four providers at
// random moments, the faults mix on the simulators, a worker killed -9
// every BV_SOAK_KILL_EVERY and Redis restarted once. Every finished batch's
// output must hold each input row once with its account's status and code;
// memory, goroutines and Redis keys must be flat after the warm-up.
func TestSoak(t *testing.T) {
	s := soakSettingsFromEnv(t)
	t.Logf("seed %d (BV_SOAK_SEED=%d repeats this load); %v, a worker killed every %v, report in %s", s.seed, s.seed, s.length, s.killEvery, s.report)
	rng := rand.New(rand.NewPCG(s.seed, 0x50a4))
	load := plan(rng, s.shape)
	total := 0
	for _, b := range load {
		total += b.rows
	}
	t.Logf("load: %d batches, %d rows, the biggest %d rows", len(load), total, s.shape.biggest)

	// A worker killed -9 starts again from the binary: a copy of its own,
	// so that a `make build` meanwhile does not change the program halfway.
	t.Setenv("BV_CHAOS_BIN", privateCopy(t, proctest.Binary(t, "BV_CHAOS_BIN", "../bin/bulkverify")))
	c := startLayout(t, soakLayout(s))
	tr := newTracker(time.Now())
	var wg sync.WaitGroup
	for _, b := range load {
		wg.Go(func() { tr.run(t, c, b) })
	}
	stop := make(chan struct{})
	var bg sync.WaitGroup
	bg.Go(func() { tr.watchStalls(stop) })
	bg.Go(func() { soakFaults(t, c, s, tr, stop) })
	var samples []sample
	bg.Go(func() { samples = sampleEvery(t, c, s.every, tr, stop) })

	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(s.length + s.drain):
		t.Errorf("%d batches not finished %v after the start", tr.unfinished(), s.length+s.drain)
	}
	close(stop)
	bg.Wait()
	samples = append(samples, tr.snapshot(c))
	judgeSoak(t, s, samples, tr, len(load))
}

// soakFaults kills a worker -9 every killEvery (each in turn) and starts it
// again, and restarts redis-server once, at 55% of the run.
func soakFaults(t *testing.T, c *cluster, s soakSettings, tr *tracker, stop chan struct{}) {
	type fault struct {
		at   time.Duration
		name string
		do   func()
	}
	var faults []fault
	for k := 1; time.Duration(k)*s.killEvery < s.length; k++ {
		w := (k - 1) % len(c.workers)
		faults = append(faults, fault{time.Duration(k) * s.killEvery, c.workers[w].name + " killed -9", func() { c.killWorker(w) }})
	}
	faults = append(faults, fault{s.length * 11 / 20, "redis-server restarted", c.restartRedis})
	slices.SortFunc(faults, func(a, b fault) int { return int(a.at - b.at) })
	for _, f := range faults {
		select {
		case <-stop:
			return
		case <-time.After(time.Until(tr.start.Add(f.at))):
		}
		t.Logf("%s  %s", clock(time.Since(tr.start)), f.name)
		f.do()
		tr.event(f.name)
	}
}

// sampleEvery measures the system every interval until stop, and logs each
// sample as it is taken.
func sampleEvery(t *testing.T, c *cluster, every time.Duration, tr *tracker, stop chan struct{}) []sample {
	var out []sample
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return out
		case <-tick.C:
		}
		sm := tr.snapshot(c)
		out = append(out, sm)
		t.Log(sm.line())
	}
}

func clock(d time.Duration) string {
	return fmt.Sprintf("%02d:%02d", int(d.Minutes()), int(d.Seconds())%60)
}

// reportPaths are where the table and the chart go.
func (s soakSettings) reportPaths() (md, svg string) {
	os.MkdirAll(s.report, 0o755)
	return filepath.Join(s.report, "soak.md"), filepath.Join(s.report, "soak.svg")
}

// privateCopy copies the executable at path into the test's directory.
func privateCopy(t *testing.T, path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), filepath.Base(path))
	if err := os.WriteFile(dst, b, 0o755); err != nil {
		t.Fatal(err)
	}
	return dst
}
