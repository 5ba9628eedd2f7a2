//go:build chaos

// Package chaos runs the whole system as separate processes on loopback
// (redis-server with AOF, MinIO, the simulators, `serve` and three `work`),
// breaks one part of it while a 20,000-row DigiLocker batch runs at a
// global limit of 200 requests/s, and checks that every row ends once with
// the status and code its account calls for; one scenario runs Redis as a
// master, a replica and three sentinels and kills the master, one runs a
// Redis Cluster of three masters and kills -9 and restarts one
// (redis_cluster_test.go), and one runs a 1,000,000-row batch with no rate
// limit and kills -9 the worker assembling its output (finalizer_test.go).
// TestSoak (`make soak`) runs four tenants' batches for an hour under
// faults. Run them with `make chaos` and `make soak`; they are not part of
// `make test`.
package chaos

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// event breaks something once the batch has processed the share at of its
// rows.
type event struct {
	at   float64
	name string
	do   func(c *cluster)
}

type scenario struct {
	name    string
	simArgs []string
	events  []event
	redis   func(c *cluster)          // the Redis topology; nil is one redis-server
	env     func(sim string) []string // added to serve's and work's environment
	// rows and deadline replace BV_CHAOS_ROWS and BV_CHAOS_DEADLINE_S.
	rows     int
	deadline time.Duration
	// finalizer says that an event kills the finalizer (killFinalizer):
	// the longest stall is measured while rows are processed, the
	// finalizing phase by how soon the finalizer starts again.
	finalizer bool
}

// faultMix is the upstream misbehaving at random: 10% 5xx, 2% of requests
// never answered, 1% of answers cut off.
var faultMix = []string{"--error-rate", "0.1", "--hang-rate", "0.02", "--truncate-rate", "0.01"}

var scenarios = []scenario{
	{name: "no fault"},
	{name: "kill -9 a worker three times", events: []event{
		{0.2, "kill -9 work-1", func(c *cluster) { c.killWorker(0) }},
		{0.45, "kill -9 work-2", func(c *cluster) { c.killWorker(1) }},
		{0.7, "kill -9 work-3", func(c *cluster) { c.killWorker(2) }},
	}},
	{name: "redis-server restarted", events: []event{{0.4, "restart redis-server", (*cluster).restartRedis}}},
	{name: "MinIO down 20 s", events: []event{{0.3, "MinIO down for 20 s", (*cluster).minioDown}}},
	{name: "SIGTERM to every worker", events: []event{{0.4, "SIGTERM every worker, start them again", (*cluster).restartWorkers}}},
	{name: "upstream: 10% 5xx, 2% hung, 1% truncated", simArgs: faultMix},
	{name: "the same + 5% 429 with Retry-After", simArgs: append(append([]string{}, faultMix...), "--429-rate", "0.05")},
	{name: "Sentinel: master killed -9, replica promoted", redis: (*cluster).startSentinel,
		events: []event{{0.5, "kill -9 the Redis master", (*cluster).killMaster}}},
	{name: "Redis Cluster: a master node killed -9 and restarted at 50%", redis: (*cluster).startRedisCluster,
		events: []event{{0.5, "kill -9 the cluster node holding the chunks queue, start it again 2 s later", (*cluster).restartClusterNode}}},
	{name: "finalizer killed -9 mid-assembly", rows: finalizeRows, simArgs: []string{"--rate-limit", "0"}, env: unlimited,
		deadline: time.Duration(envInt("BV_CHAOS_FINALIZE_DEADLINE_S", 900)) * time.Second, finalizer: true,
		events: []event{{1, "kill -9 the worker assembling the output, leave it down", (*cluster).killFinalizer}}},
}

// outcome is one line of the table.
type outcome struct {
	name     string
	rows     int
	finished bool
	percent  float64
	verdict  verdict
	took     time.Duration
	stall    time.Duration
	upstream map[string]int64
	err      error
	// After a Sentinel failover: when the master died, when the new one
	// was announced, and the longest time without progress from then on.
	killedAt, switchedAt time.Duration
	stallAfterSwitch     time.Duration
	// nodeRestart: the Redis Cluster scenario's figures.
	nodeRestart *nodeRestartOutcome
	// finalizer: the finalizer scenario's figures.
	finalizer *finalizerOutcome
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

func TestChaos(t *testing.T) {
	rows := envInt("BV_CHAOS_ROWS", 20000)
	deadline := time.Duration(envInt("BV_CHAOS_DEADLINE_S", 300)) * time.Second
	var results []outcome
	for i, sc := range scenarios {
		t.Run(strings.NewReplacer(" ", "_", "%", "pct", ",", "").Replace(sc.name), func(t *testing.T) {
			o := run(t, sc, rows, deadline, fmt.Sprintf("s%d", i))
			results = append(results, o)
			judge(t, o)
		})
	}
	table := render(results, rows)
	t.Log("\n" + table)
	if path := os.Getenv("BV_CHAOS_REPORT"); path != "" {
		os.WriteFile(path, []byte(table), 0o644)
	}
	byName := map[string]outcome{}
	for _, o := range results {
		byName[o.name] = o
	}
	none, plain, with429 := byName[scenarios[0].name], byName[scenarios[5].name], byName[scenarios[6].name]
	if plain.finished && with429.finished && with429.took > plain.took*3/2 {
		t.Errorf("with 5%% 429s the batch took %v, want within 1.5× of the %v it took without", with429.took.Round(time.Second), plain.took.Round(time.Second))
	}
	// Issue 21: the faults cost at most half the fault-free time again.
	if none.finished && with429.finished && with429.took > none.took*3/2 {
		t.Errorf("under the faults with 429s the batch took %v, want within 1.5× of the %v it took with no fault", with429.took.Round(time.Second), none.took.Round(time.Second))
	}
}

func judge(t *testing.T, o outcome) {
	switch {
	case o.err != nil:
		t.Errorf("%s: %v", o.name, o.err)
	case !o.finished:
		t.Errorf("%s: not finished: %.0f%% after %v", o.name, o.percent, o.took.Round(time.Second))
	case o.verdict.lost+o.verdict.duplicated+o.verdict.wrong > 0:
		t.Errorf("%s: %d rows lost, %d duplicated, %d with a wrong code (%s)", o.name, o.verdict.lost, o.verdict.duplicated, o.verdict.wrong, o.verdict.kinds())
	}
	if limit := o.rows / 1000; o.verdict.unavailable > limit {
		t.Errorf("%s: %d rows (%.2f%%) ended FAILED/UPSTREAM_UNAVAILABLE, want at most 0.1%% (%d)", o.name, o.verdict.unavailable, 100*float64(o.verdict.unavailable)/float64(o.rows), limit)
	}
	if o.stall >= 30*time.Second {
		t.Errorf("%s: the batch made no progress for %v, want under 30 s", o.name, o.stall.Round(time.Second))
	}
	if o.killedAt > 0 && o.switchedAt == 0 {
		t.Errorf("%s: the master was killed at %.0f s and no new master was announced", o.name, o.killedAt.Seconds())
	}
	if f := o.finalizer; f != nil && o.err == nil && (f.resumeIn == 0 || f.resumeIn >= 30*time.Second) {
		t.Errorf("%s: the finalizer started again %.1f s after its worker was killed (0: never), want under 30 s", o.name, f.resumeIn.Seconds())
	}
	if o.stallAfterSwitch >= 30*time.Second {
		t.Errorf("%s: no progress for %v after the new master was announced, want under 30 s", o.name, o.stallAfterSwitch.Round(time.Second))
	}
	if r := o.nodeRestart; r != nil && r.okAt == 0 {
		t.Errorf("%s: %s was killed and the cluster was not ok again", o.name, r.node)
	}
	if r := o.nodeRestart; r != nil && r.keysBefore > 0 && r.keysAfter == 0 {
		t.Errorf("%s: %s held %d keys and came back with none: its AOF gave nothing back", o.name, r.node, r.keysBefore)
	}
	if r := o.nodeRestart; r != nil && r.stallAfterOK >= 30*time.Second {
		t.Errorf("%s: no progress for %v after the cluster was ok again, want under 30 s", o.name, r.stallAfterOK.Round(time.Second))
	}
}

// run starts a cluster, submits the batch, fires the scenario's events as
// the batch progresses, and waits for it to finish or for the deadline.
func run(t *testing.T, sc scenario, rows int, deadline time.Duration, tag string) outcome {
	if sc.rows > 0 {
		rows = sc.rows
	}
	if sc.deadline > 0 {
		deadline = sc.deadline
	}
	o := outcome{name: sc.name, rows: rows}
	c := startLayout(t, layout{simArgs: sc.simArgs, redis: sc.redis, env: sc.env})
	api := client{api: c.api}
	body := batchCSV(rows, tag)
	start := time.Now()
	// A million rows take seconds to upload on a busy machine.
	id, err := client{api: c.api, timeout: 2 * time.Minute}.submit(body)
	if err != nil {
		o.err = err
		return o
	}
	c.batch = id
	if sc.finalizer {
		c.finalizer = &finalizerKill{}
	}
	events := make(chan event, len(sc.events))
	var wg sync.WaitGroup
	wg.Go(func() {
		for ev := range events {
			t.Logf("%5.1fs  %s", time.Since(start).Seconds(), ev.name)
			ev.do(c)
			t.Logf("%5.1fs  %s: done", time.Since(start).Seconds(), ev.name)
		}
	})
	pending := sc.events
	last, lastAt := 0, start
	var progressAt []time.Time
	var st map[string]any
	for {
		now := time.Now()
		if s, err := api.status(id); err == nil {
			st = s
			p := int(num(st["processed_rows"]))
			if p > last {
				o.stall = max(o.stall, now.Sub(lastAt))
				last, lastAt = p, now
				progressAt = append(progressAt, now)
			}
			for len(pending) > 0 && float64(p) >= pending[0].at*float64(rows) {
				events <- pending[0]
				pending = pending[1:]
			}
			if num(st["status"]) == 200 {
				o.finished = true
				if !sc.finalizer {
					o.stall = max(o.stall, now.Sub(lastAt))
				}
				break
			}
		}
		if now.Sub(start) > deadline {
			o.stall = max(o.stall, now.Sub(lastAt))
			break
		}
		time.Sleep(250 * time.Millisecond) // the status poll's pace
	}
	o.took = time.Since(start)
	o.percent = 100 * float64(last) / float64(rows)
	close(events)
	wg.Wait()
	o.upstream = c.upstreamStats()
	if c.sentinels != nil {
		o.failover(c.sentinels, start, progressAt, time.Now())
	}
	if c.redisCluster != nil {
		o.nodeRestart = c.redisCluster.outcome(start, progressAt, o.finished, time.Now())
	}
	var finalizerErr error
	if c.finalizer != nil {
		completed, _ := time.Parse(time.RFC3339Nano, fmt.Sprint(st["completed_at"]))
		var fo finalizerOutcome
		fo, finalizerErr = finalizerFigures(c.finalizer, completed)
		o.finalizer = &fo
	}
	if !o.finished {
		return o
	}
	if st["state"] != "completed" {
		o.err = fmt.Errorf("batch ended %v (%v)", st["state"], st["failure_reason"])
		return o
	}
	url, _ := st["batch_output_file_url"].(string)
	o.verdict, o.err = check(url, rows, slices.Contains(sc.simArgs, "--error-rate"))
	if o.err == nil {
		o.err = finalizerErr
	}
	if o.verdict.wrong > 0 {
		t.Logf("wrong codes: %s", o.verdict.kinds())
	}
	return o
}

// failover records when the master died and the new one was announced,
// and the longest time without progress from the announcement to end.
func (o *outcome) failover(s *sentinels, start time.Time, progressAt []time.Time, end time.Time) {
	killed, switched, _ := s.times()
	if killed.IsZero() {
		return
	}
	o.killedAt = killed.Sub(start)
	if switched.IsZero() {
		return
	}
	o.switchedAt = switched.Sub(start)
	o.stallAfterSwitch = longestStall(switched, progressAt, o.finished, end)
}

// longestStall is the longest time without progress from from on: to the
// first progress after it, between two, and, when the batch did not
// finish, from the last to end.
func longestStall(from time.Time, progressAt []time.Time, finished bool, end time.Time) time.Duration {
	var longest time.Duration
	prev := from
	for _, at := range progressAt {
		if at.After(from) {
			longest = max(longest, at.Sub(prev))
			prev = at
		}
	}
	if !finished {
		longest = max(longest, end.Sub(prev))
	}
	return longest
}

func num(v any) float64 {
	f, _ := v.(float64)
	return f
}

func (c *cluster) killWorker(i int) {
	w := c.workers[i]
	w.kill()
	w.start("")
}

func (c *cluster) restartRedis() {
	if !c.redis.stop(30 * time.Second) {
		c.t.Log("redis-server did not stop within 30 s of SIGTERM: killed")
	}
	c.redis.start("")
	if !waitFor(30*time.Second, c.redisOK) {
		c.t.Error("redis-server did not answer within 30 s of its restart")
	}
}

func (c *cluster) minioDown() {
	c.minio.kill()
	time.Sleep(20 * time.Second) // the outage itself
	c.minio.start("")
	if !waitFor(60*time.Second, c.minioOK) {
		c.t.Error("MinIO was not ready within 60 s of its restart")
	}
}

// restartWorkers sends SIGTERM to every worker at once, waits for them to
// exit (as a deployment would) and starts them again.
func (c *cluster) restartWorkers() {
	var wg sync.WaitGroup
	for _, w := range c.workers {
		wg.Go(func() {
			if !w.signal(syscall.SIGTERM, 90*time.Second) {
				c.t.Errorf("%s did not exit within 90 s of SIGTERM", w.name)
				w.kill()
			}
		})
	}
	wg.Wait()
	for _, w := range c.workers {
		w.start("")
	}
}

func (c *cluster) upstreamStats() map[string]int64 {
	resp, err := http.Get(c.sim + "/_stats")
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	var s map[string]map[string]int64
	json.NewDecoder(resp.Body).Decode(&s)
	return s["digilocker"]
}

func render(results []outcome, rows int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d-row DigiLocker batches, 3 workers, global limit %d requests/s (unless the row says otherwise)\n\n", rows, globalRate)
	b.WriteString("| scenario | finished | lost | duplicated | wrong codes | UPSTREAM_UNAVAILABLE | time | longest stall | upstream requests (5xx, 429, hung, cut off) |\n|---|---|---|---|---|---|---|---|---|\n")
	for _, o := range results {
		u := o.upstream
		up := fmt.Sprintf("%d (%d, %d, %d, %d)", u["Requests"], u["Errors"], u["Throttled"], u["Hung"], u["Truncated"])
		stall := fmt.Sprintf("%.0f s", o.stall.Seconds())
		if o.killedAt > 0 {
			stall += fmt.Sprintf(" (master killed at %.0f s, +switch-master %.1f s later; %.1f s after it)", o.killedAt.Seconds(), (o.switchedAt - o.killedAt).Seconds(), o.stallAfterSwitch.Seconds())
		}
		if o.nodeRestart != nil {
			stall += " (" + o.nodeRestart.String() + ")"
		}
		if o.finalizer != nil {
			stall += fmt.Sprintf(" while verifying %d rows at no rate limit", o.rows)
			if o.finalizer.worker != "" {
				stall += fmt.Sprintf("; %s", o.finalizer)
			}
		}
		switch {
		case o.err != nil:
			fmt.Fprintf(&b, "| %s | error: %v | – | – | – | – | %.0f s | %s | %s |\n", o.name, o.err, o.took.Seconds(), stall, up)
		case !o.finished:
			fmt.Fprintf(&b, "| %s | **no: %.0f%% after %.0f s** | – | – | – | – | – | %s | %s |\n", o.name, o.percent, o.took.Seconds(), stall, up)
		default:
			fmt.Fprintf(&b, "| %s | yes | %d | %d | %d | %d (%.2f%%) | %.0f s | %s | %s |\n", o.name, o.verdict.lost, o.verdict.duplicated, o.verdict.wrong,
				o.verdict.unavailable, 100*float64(o.verdict.unavailable)/float64(o.rows), o.took.Seconds(), stall, up)
		}
	}
	return b.String()
}
