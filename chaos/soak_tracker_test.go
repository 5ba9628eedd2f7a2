//go:build chaos

package chaos

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"
)

// tracker follows every batch of the soak: what it has processed, which
// are active, how long the system went without progress, what the outputs
// held.
type tracker struct {
	start time.Time

	mu          sync.Mutex
	processed   map[string]int // the last processed_rows of each batch
	progress    int            // their sum
	active      int            // submitted, not finished
	pending     int            // planned, not finished (or given up)
	lastAt      time.Time      // when progress last grew, or nothing was active
	lastSum     int
	stall       time.Duration
	batches     int // finished, output checked
	rows        int
	v           verdict
	small       []time.Duration // time to finish of the 10-row batches
	slowSmall   map[string]int  // 10-row batches over 10 s, by provider
	events      []string        // since the last snapshot
	submitErrs  int
	notWhole    int // ended other than completed, or output unreadable
	maxActive   int
	unavailable int
}

func newTracker(start time.Time) *tracker {
	return &tracker{start: start, lastAt: start, processed: map[string]int{}, slowSmall: map[string]int{}, v: verdict{wrongKinds: map[string]int{}}}
}

// run submits one planned batch at its moment, follows it to its end and
// checks its output.
func (tr *tracker) run(t *testing.T, c *cluster, b planned) {
	tr.mu.Lock()
	tr.pending++
	tr.mu.Unlock()
	defer func() {
		tr.mu.Lock()
		tr.pending--
		tr.mu.Unlock()
	}()
	time.Sleep(time.Until(tr.start.Add(b.at)))
	api := client{api: c.api, id: b.tenant.id, key: b.tenant.key}
	body := b.provider.csv(b.rows, b.tag)
	began := time.Now()
	id, err := submitRetrying(api, b, body)
	if err != nil {
		t.Logf("%s  %s (%s, %s, %d rows): submit: %v", clock(time.Since(tr.start)), b.tag, b.tenant.id, b.provider.name, b.rows, err)
		tr.mu.Lock()
		tr.submitErrs++
		tr.mu.Unlock()
		return
	}
	tr.began(id)
	st := tr.follow(api, id, b.rows)
	took := time.Since(began)
	tr.finish(t, b, id, st, took)
}

// submitRetrying submits body, and again with the same Idempotency-Key for
// up to two minutes while the API fails (Redis restarting).
func submitRetrying(api client, b planned, body []byte) (string, error) {
	deadline := time.Now().Add(2 * time.Minute)
	for {
		id, err := api.submitTo(b.provider.name, body, "soak-"+b.tag)
		if err == nil || time.Now().After(deadline) {
			return id, err
		}
		time.Sleep(2 * time.Second)
	}
}

func (tr *tracker) began(id string) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.active++
	tr.maxActive = max(tr.maxActive, tr.active)
	tr.processed[id] = 0
}

// follow polls the batch's status until it is finished (HTTP 200): every
// 250 ms for a small batch, every second for a big one.
func (tr *tracker) follow(api client, id string, rows int) map[string]any {
	pace := time.Second
	if rows <= 10 {
		pace = 250 * time.Millisecond
	}
	for {
		if st, err := api.status(id); err == nil {
			tr.progressed(id, int(num(st["processed_rows"])))
			if num(st["status"]) == 200 {
				return st
			}
		}
		time.Sleep(pace)
	}
}

func (tr *tracker) progressed(id string, p int) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if p > tr.processed[id] {
		tr.progress += p - tr.processed[id]
		tr.processed[id] = p
	}
}

// finish checks the finished batch's output and counts it.
func (tr *tracker) finish(t *testing.T, b planned, id string, st map[string]any, took time.Duration) {
	var v verdict
	var err error
	if st["state"] != "completed" {
		err = fmt.Errorf("batch ended %v (%v)", st["state"], st["failure_reason"])
	} else {
		url, _ := st["batch_output_file_url"].(string)
		v, err = checkOutput(url, b.rows, b.provider.expect, true)
	}
	if err != nil || v.lost+v.duplicated+v.wrong > 0 {
		t.Logf("%s  %s %s (%s, %s, %d rows): %v; %d lost, %d duplicated, %d wrong (%s) %q", clock(time.Since(tr.start)), b.tag, id, b.tenant.id, b.provider.name, b.rows, err, v.lost, v.duplicated, v.wrong, v.kinds(), v.example)
	}
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.active--
	if err != nil {
		tr.notWhole++
		return
	}
	tr.batches++
	tr.rows += b.rows
	tr.v.lost += v.lost
	tr.v.duplicated += v.duplicated
	tr.v.wrong += v.wrong
	tr.unavailable += v.unavailable
	for k, n := range v.wrongKinds {
		tr.v.wrongKinds[k] += n
	}
	if b.rows <= 10 {
		tr.small = append(tr.small, took)
		tr.slowSmall[b.provider.name] += btoi(took > 10*time.Second)
	}
}

// watchStalls measures the longest time without progress while some batch
// was active, every 250 ms until stop.
func (tr *tracker) watchStalls(stop chan struct{}) {
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case now := <-tick.C:
			tr.mu.Lock()
			switch {
			case tr.active == 0 || tr.progress > tr.lastSum:
				tr.lastAt, tr.lastSum = now, tr.progress
			default:
				tr.stall = max(tr.stall, now.Sub(tr.lastAt))
			}
			tr.mu.Unlock()
		}
	}
}

func (tr *tracker) event(name string) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.events = append(tr.events, name)
}

func (tr *tracker) unfinished() int {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return tr.pending
}

// snapshot measures the processes and Redis and copies the figures so far.
func (tr *tracker) snapshot(c *cluster) sample {
	sm := sample{at: time.Since(tr.start), serve: measure(c.serve)}
	for _, w := range c.workers {
		sm.workers = append(sm.workers, measure(w))
	}
	sm.redisMB, sm.keys = c.redisFigures()
	tr.mu.Lock()
	defer tr.mu.Unlock()
	sm.batches, sm.rows = tr.batches, tr.rows
	sm.lost, sm.duplicated, sm.wrong, sm.unavailable = tr.v.lost, tr.v.duplicated, tr.v.wrong, tr.unavailable
	sm.stall, sm.p99small = tr.stall, p99(tr.small)
	sm.active = tr.active
	sm.events, tr.events = tr.events, nil
	sm.submitErrors, sm.batchesNotWhole = tr.submitErrs, tr.notWhole
	return sm
}

// p99 is the 99th percentile (nearest rank) of ds, 0 for none.
func p99(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := (len(s)*99+99)/100 - 1
	return s[min(max(i, 0), len(s)-1)]
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
