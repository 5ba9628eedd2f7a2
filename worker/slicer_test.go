package worker

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/batchcsv"
	"github.com/bulkverify/bulkverify/internal/redistest"
	"github.com/bulkverify/bulkverify/jobs"
	"github.com/bulkverify/bulkverify/provider/digilocker"
	"github.com/bulkverify/bulkverify/ratelimit"
	"github.com/bulkverify/bulkverify/storage"
)

// limitedVerifier verifies every row after a token of its limiter (nil:
// none) and a pause of latency, counting calls per row.
type limitedVerifier struct {
	lim     *ratelimit.Limiter
	latency time.Duration
	mu      sync.Mutex
	calls   map[int]int
}

func (v *limitedVerifier) Verify(ctx context.Context, row bulkverify.Row) (bulkverify.Result, error) {
	if v.lim != nil {
		if err := v.lim.Wait(ctx, "b1"); err != nil {
			return bulkverify.Result{}, err
		}
	}
	time.Sleep(v.latency) // the upstream's answer time
	v.mu.Lock()
	v.calls[row.Number]++
	v.mu.Unlock()
	return bulkverify.Verified(row, "ok"), nil
}

// backlog is a Backlog whose answer the test sets.
type backlog struct{ waiting atomic.Bool }

func (b *backlog) Waiting(context.Context) bool { return b.waiting.Load() }

// sliceBundle is a batch "b1" of one chunk of twelve rows, verified four
// at a time by v, in slices of 40ms while wait says work waits.
type sliceBundle struct {
	h     *Handlers
	task  *asynq.Task
	files *memFiles
	v     *limitedVerifier
	wait  *backlog
}

func setupSlices(t *testing.T, rate float64, latency time.Duration) sliceBundle {
	t.Helper()
	rdb := redistest.Client(t)
	batches := storage.NewBatches(rdb, time.Now, time.Hour)
	var in strings.Builder
	in.WriteString("access_token,doctype\n")
	for i := range 12 {
		fmt.Fprintf(&in, "t%d,PANCR\n", i)
	}
	plan, err := batchcsv.Split(strings.NewReader(in.String()), digilocker.Spec, batchcsv.Options{ChunkSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	payload := jobs.EncodeVerifyChunk(jobs.VerifyChunk{BatchID: "b1", Provider: "digilocker", Header: plan.Header, Chunk: plan.Chunks[0]})
	if err := batches.Create(context.Background(), bulkverify.Batch{ID: "b1", Provider: "digilocker", TotalRows: 12, Chunks: 1, CreatedAt: time.Now()}, 1, [][]byte{payload}); err != nil {
		t.Fatal(err)
	}
	v := &limitedVerifier{latency: latency, calls: map[int]int{}}
	if rate > 0 {
		v.lim = ratelimit.NewLimiter(ratelimit.Config{Provider: "digilocker", Rate: rate, Burst: 1}, rdb, ratelimit.NewMetrics(prometheus.NewRegistry()))
		v.lim.Start()
		t.Cleanup(v.lim.Shutdown)
	}
	wait := &backlog{}
	files := &memFiles{files: map[string][]byte{inputOf("b1"): []byte(in.String())}}
	h := &Handlers{
		Batches: batches, Checkpoints: storage.NewChunks(rdb, time.Now, time.Hour), Files: files, Queue: noQueue{}, Feeder: noRelease{},
		Verifiers:      map[string]bulkverify.Verifier{"digilocker": v},
		Specs:          map[string]bulkverify.Spec{"digilocker": digilocker.Spec},
		RowConcurrency: 4,
		Slicer:         &Slicer{Slice: 40 * time.Millisecond, Backlog: wait},
		Backoff:        Backoff{MaxAttempts: 3, MaxThrottled: 2, Base: time.Millisecond, Max: 5 * time.Millisecond},
		MaxRequeues:    5,
		Now:            time.Now,
		Log:            slog.New(slog.NewTextHandler(io.Discard, nil)),
		Metrics:        NewMetrics(prometheus.NewRegistry()),
	}
	return sliceBundle{h: h, task: asynq.NewTask(jobs.TypeVerifyChunk, payload), files: files, v: v, wait: wait}
}

// A chunk held back by a saturated limit (20 tokens/s for rows four at a
// time) hands its slot back once its slice is over and work waits: it
// saves the rows it finished, is queued again at once without using a
// retry, and the next delivery verifies only the rest, each row once.
func TestARateLimitedChunkHandsItsSlotBackToWaitingWork(t *testing.T) {
	t.Parallel()
	f := setupSlices(t, 20, 0)
	f.wait.waiting.Store(true)
	ctx := context.Background()

	err := f.h.VerifyChunk(ctx, f.task)
	var ye *YieldError
	if !errors.As(err, &ye) {
		t.Fatalf("first delivery: got %v, want a *YieldError", err)
	}
	if IsFailure(err) {
		t.Error("IsFailure counts a slice's end as a failure: it would use up the task's retries")
	}
	if d := RetryDelay(0, err, f.task); d != 0 {
		t.Errorf("a yielded chunk is queued again in %v, want at once", d)
	}
	if _, err := f.files.get(partOf("b1", 0)); err == nil {
		t.Error("a chunk that handed its slot back wrote its part")
	}
	first := len(f.v.calls)
	if first == 0 || first == 12 {
		t.Fatalf("the first slice verified %d of 12 rows, want some but not all", first)
	}

	f.wait.waiting.Store(false) // nothing waits: the chunk runs to its end
	if err := f.h.VerifyChunk(ctx, f.task); err != nil {
		t.Fatalf("second delivery: %v", err)
	}
	for row := 1; row <= 12; row++ {
		if got := f.v.calls[row]; got != 1 {
			t.Errorf("row %d: verified %d times, want once", row, got)
		}
	}
	part, _ := f.files.get(partOf("b1", 0))
	if results, err := batchcsv.DecodePart(bytes.NewReader(part)); err != nil || len(results) != 12 {
		t.Fatalf("part: %d rows, %v; want 12", len(results), err)
	}
}

// A chunk keeps its slot when nothing makes it hand it back: work waits
// but its rows are held back by the upstream, not the limit; or the limit
// holds them back but no work waits.
func TestAChunkKeepsItsSlotUnlessTheLimitHoldsItBackAndWorkWaits(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		rate    float64
		latency time.Duration
		waiting bool
	}{
		"slow upstream, work waiting":      {rate: 0, latency: 20 * time.Millisecond, waiting: true},
		"saturated limit, no work waiting": {rate: 20, waiting: false},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := setupSlices(t, tc.rate, tc.latency)
			f.wait.waiting.Store(tc.waiting)
			if err := f.h.VerifyChunk(context.Background(), f.task); err != nil {
				t.Fatalf("got %v, want the chunk verified in one delivery", err)
			}
			if n := len(f.v.calls); n != 12 {
				t.Errorf("verified %d rows, want 12", n)
			}
		})
	}
}
