package api

import (
	"testing"
	"time"

	"github.com/bulkverify/bulkverify"
)

// landRead runs one flight of id on c that reads b with body, at now.
func landRead(t *testing.T, c *runningBatches, b bulkverify.Batch, body string, now time.Time) []byte {
	t.Helper()
	l := c.lookup(b.ID, now, time.Second)
	if !l.lead {
		t.Fatalf("batch %s at %s: got no flight to lead, want one (body %q kept)", b.ID, now, l.body)
	}
	c.land(b.ID, l.flight, statusRead{b: b, body: []byte(body)}, now)
	<-l.flight.done
	return l.flight.res.body
}

func TestRunningBatchesServeAStatusUntilItIsMaxAgeOld(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_700_000_000, 0)
	var c runningBatches
	landRead(t, &c, bulkverify.Batch{ID: "b", Tenant: "t", State: bulkverify.StateProcessing, ProcessedRows: 1}, "one", now)
	for _, age := range []time.Duration{0, 999 * time.Millisecond} {
		if l := c.lookup("b", now.Add(age), time.Second); string(l.body) != "one" || l.tenant != "t" {
			t.Errorf("%s old: got body %q of tenant %q, want the kept \"one\" of t", age, l.body, l.tenant)
		}
	}
	if l := c.lookup("b", now.Add(time.Second), time.Second); l.body != nil || !l.lead {
		t.Errorf("1s old: got body %q, lead %v; want a new read", l.body, l.lead)
	}
	if l := c.lookup("b", now.Add(-time.Millisecond), time.Second); l.body != nil {
		t.Errorf("read in the future (the clock went back): got body %q, want a new read", l.body)
	}
}

func TestRunningBatchesShareOneReadAmongConcurrentPollers(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_700_000_000, 0)
	var c runningBatches
	first := c.lookup("b", now, time.Second)
	second, third := c.lookup("b", now, time.Second), c.lookup("b", now, time.Second)
	if !first.lead || second.lead || third.lead || second.flight != first.flight || first.flight.shared != 2 {
		t.Fatalf("got leads %v %v %v, %d sharing; want the first to lead a flight the other two share", first.lead, second.lead, third.lead, first.flight.shared)
	}
	c.land("b", first.flight, statusRead{b: bulkverify.Batch{ID: "b", State: bulkverify.StateQueued}, body: []byte("q")}, now)
	if res, err := second.flight.wait(t.Context()); err != nil || string(res.body) != "q" {
		t.Errorf("a poller sharing the read: got %q, %v; want \"q\"", res.body, err)
	}
	if l := c.lookup("b", now, time.Second); string(l.body) != "q" {
		t.Errorf("after the read landed: got %q, lead %v; want \"q\" kept", l.body, l.lead)
	}
}

func TestRunningBatchesNeverGoBackInProgress(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_700_000_000, 0)
	var c runningBatches
	b := bulkverify.Batch{ID: "b", Tenant: "t", State: bulkverify.StateProcessing, ProcessedRows: 50}
	landRead(t, &c, b, "fifty", now)
	b.ProcessedRows = 40 // rows a dropped chunk will redo
	now = now.Add(time.Second)
	if got := landRead(t, &c, b, "forty", now); string(got) != "fifty" {
		t.Errorf("a read with fewer rows: got %q sent, want the kept \"fifty\"", got)
	}
	if l := c.lookup("b", now, time.Second); string(l.body) != "fifty" {
		t.Errorf("after a read with fewer rows: got %q kept, want \"fifty\"", l.body)
	}
	b.ProcessedRows = 60
	if got := landRead(t, &c, b, "sixty", now.Add(time.Second)); string(got) != "sixty" {
		t.Errorf("a read with more rows: got %q, want \"sixty\"", got)
	}
}

func TestRunningBatchesServeNothingOnceTheBatchWasSeenToEnd(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_700_000_000, 0)
	running := bulkverify.Batch{ID: "b", Tenant: "t", State: bulkverify.StateProcessing, ProcessedRows: 9}
	ended := bulkverify.Batch{ID: "b", Tenant: "t", State: bulkverify.StateCompleted, ProcessedRows: 10}

	var c runningBatches
	landRead(t, &c, running, "nine", now)
	c.observe(ended, now) // the list or the cancel route read it
	if l := c.lookup("b", now, time.Second); l.body != nil {
		t.Errorf("after another route saw it end: got %q, want a read", l.body)
	}

	var d runningBatches // a read in flight while another route sees the end
	l := d.lookup("b", now, time.Second)
	d.observe(ended, now)
	d.land("b", l.flight, statusRead{b: running, body: []byte("nine")}, now)
	if l := d.lookup("b", now, time.Second); l.body != nil {
		t.Errorf("a read that began before the end was seen: got %q kept, want nothing", l.body)
	}

	var e runningBatches // a read that finds it ended
	landRead(t, &e, running, "nine", now)
	landRead(t, &e, ended, "", now.Add(time.Second))
	if l := e.lookup("b", now.Add(time.Second), time.Second); l.body != nil {
		t.Errorf("after a read found it ended: got %q, want a read", l.body)
	}
}

func TestRunningBatchesReadAgainWhatAnotherRouteShowsBehind(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_700_000_000, 0)
	var c runningBatches
	b := bulkverify.Batch{ID: "b", Tenant: "t", State: bulkverify.StateProcessing, ProcessedRows: 9}
	landRead(t, &c, b, "nine", now)
	c.observe(b, now) // the same: kept
	if l := c.lookup("b", now, time.Second); string(l.body) != "nine" {
		t.Errorf("after a route saw the same: got %q, want \"nine\" kept", l.body)
	}
	b.State = bulkverify.StateCancelling
	c.observe(b, now) // the cancel route
	if l := c.lookup("b", now, time.Second); l.body != nil {
		t.Errorf("after a route saw it cancelling: got %q, want a read", l.body)
	}
}

func TestRunningBatchesStayBounded(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_700_000_000, 0)
	var c runningBatches
	for i := range maxRunning + 10 {
		b := bulkverify.Batch{ID: time.Duration(i).String(), State: bulkverify.StateQueued}
		landRead(t, &c, b, "q", now.Add(time.Duration(i)*time.Millisecond))
	}
	if n := len(c.m); n > maxRunning || n == 0 {
		t.Errorf("%d batches kept, want 1 to %d", n, maxRunning)
	}
}
