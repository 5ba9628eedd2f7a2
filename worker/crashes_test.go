package worker

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/redis/go-redis/v9"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/batchcsv"
	"github.com/bulkverify/bulkverify/internal/redistest"
	"github.com/bulkverify/bulkverify/jobs"
	"github.com/bulkverify/bulkverify/provider/digilocker"
	"github.com/bulkverify/bulkverify/storage"
)

// crashingVerifier verifies every row, but panics on the row whose
// access_token is panicOn and never answers the one whose token is hangOn
// (its worker is as good as dead: it stops only when its context ends). It
// counts its calls by token.
type crashingVerifier struct {
	panicOn, hangOn string

	mu    sync.Mutex
	calls map[string]int
}

func (v *crashingVerifier) Verify(ctx context.Context, row bulkverify.Row) (bulkverify.Result, error) {
	if err := ctx.Err(); err != nil {
		return bulkverify.Result{}, err
	}
	token := row.Get("access_token")
	v.mu.Lock()
	v.calls[token]++
	v.mu.Unlock()
	switch token {
	case v.panicOn:
		panic("verifier bug")
	case v.hangOn:
		<-ctx.Done()
		return bulkverify.Result{}, ctx.Err()
	}
	return bulkverify.Verified(row, "ok"), nil
}

func (v *crashingVerifier) callsOf(token string) int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.calls[token]
}

// syncBuffer is a log sink the handlers' goroutines share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// crashFixture is a batch "b1" of two chunks of three rows, the handlers
// that verify it with a crashingVerifier, and where they write.
type crashFixture struct {
	h       *Handlers
	batches *storage.Batches
	chunks  *storage.Chunks
	rdb     *redis.Client
	files   *memFiles
	v       *crashingVerifier
	log     *syncBuffer
	tasks   []*asynq.Task
}

// crashSetup builds a crashFixture; chunk 0 holds the tokens given, chunk
// 1 three more that verify.
func crashSetup(t *testing.T, maxCrashes int, leaseTTL time.Duration, chunk0 ...string) crashFixture {
	t.Helper()
	rdb := redistest.Client(t)
	batches := storage.NewBatches(rdb, time.Now, time.Hour)
	chunks := storage.NewChunks(rdb, time.Now, time.Hour)
	input := "reference_id,access_token,doctype\n"
	for i, tok := range append(chunk0, "ok-4", "ok-5", "ok-6") {
		input += fmt.Sprintf("ref-%d,%s,PANCR\n", i+1, tok)
	}
	plan, err := batchcsv.Split(strings.NewReader(input), digilocker.Spec, batchcsv.Options{ChunkSize: 3})
	if err != nil || len(plan.Chunks) != 2 {
		t.Fatalf("split: %d chunks, %v; want 2", len(plan.Chunks), err)
	}
	var payloads [][]byte
	var tasks []*asynq.Task
	for _, c := range plan.Chunks {
		p := jobs.EncodeVerifyChunk(jobs.VerifyChunk{BatchID: "b1", Provider: "digilocker", Header: plan.Header, Chunk: c})
		payloads = append(payloads, p)
		tasks = append(tasks, asynq.NewTask(jobs.TypeVerifyChunk, p))
	}
	if err := batches.Create(context.Background(), bulkverify.Batch{ID: "b1", Provider: "digilocker", TotalRows: 6, Chunks: 2, CreatedAt: time.Now()}, 2, payloads); err != nil {
		t.Fatal(err)
	}
	files := &memFiles{files: map[string][]byte{inputOf("b1"): []byte(input)}}
	v := &crashingVerifier{calls: map[string]int{}, panicOn: "panics", hangOn: "dies"}
	logs := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, nil))
	h := &Handlers{
		Batches: batches, Checkpoints: chunks, Files: files, Queue: noQueue{}, Feeder: noRelease{},
		Verifiers: map[string]bulkverify.Verifier{"digilocker": v},
		Specs:     map[string]bulkverify.Spec{"digilocker": digilocker.Spec},
		// One row at a time: the rows after the crashing one are never
		// reached, the one before it is finished and saved.
		RowConcurrency:  1,
		Backoff:         Backoff{MaxAttempts: 3, MaxThrottled: 2, Base: time.Millisecond, Max: 5 * time.Millisecond},
		MaxRequeues:     5,
		MaxChunkCrashes: maxCrashes,
		// Never renewed: a delivery that hangs has a worker as good as
		// dead, whose renewer died with it.
		Leases:  &Leases{Store: storage.NewLeases(rdb, time.Now, time.Hour), Every: time.Hour, TTL: leaseTTL, Log: log},
		Now:     time.Now,
		Log:     log,
		Metrics: NewMetrics(prometheus.NewRegistry()),
	}
	return crashFixture{h: h, batches: batches, chunks: chunks, rdb: rdb, files: files, v: v, log: logs, tasks: tasks}
}

// waitUntil waits for ok, failing the test after within.
func waitUntil(t *testing.T, within time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("not %s within %v", what, within)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// results decodes a chunk's part.
func (f crashFixture) results(t *testing.T, chunk int) []bulkverify.Result {
	t.Helper()
	part, err := f.files.get(partOf("b1", chunk))
	if err != nil {
		t.Fatalf("chunk %d: %v", chunk, err)
	}
	results, err := batchcsv.DecodePart(bytes.NewReader(part))
	if err != nil {
		t.Fatal(err)
	}
	return results
}

// wantProcessingFailed checks that r is FAILED/PROCESSING_FAILED,
// retryable, with a message that says how often the chunk crashed and what
// to do.
func wantProcessingFailed(t *testing.T, r bulkverify.Result, crashes int) {
	t.Helper()
	if r.Status != bulkverify.StatusFailed || r.Code != bulkverify.CodeProcessingFailed || !r.Retryable {
		t.Errorf("row %d: got %s/%s retryable=%v, want FAILED/PROCESSING_FAILED retryable", r.RowNumber, r.Status, r.Code, r.Retryable)
	}
	for _, want := range []string{fmt.Sprintf("crashed a worker %d times", crashes), "retry the batch's failed rows", "split the file"} {
		if !strings.Contains(r.Message, want) {
			t.Errorf("row %d: message %q does not say %q", r.RowNumber, r.Message, want)
		}
	}
}

// A chunk whose Verifier panics, run by a real asynq server, is retried
// until it has crashed MaxChunkCrashes times; then it is settled without
// verifying: the row finished before the panic keeps its result, the
// others are PROCESSING_FAILED, and the batch completes with every row
// once, the other chunk's rows VERIFIED. The panic never kills the worker,
// and the logs name the chunk but hold no row data.
func TestAChunkThatKeepsPanickingIsSettledAndTheBatchGoesOn(t *testing.T) {
	t.Parallel()
	f := crashSetup(t, 3, time.Minute, "ok-1", "panics", "ok-3")
	ctx := context.Background()
	queue := asynq.NewClientFromRedisClient(f.rdb)
	feeder := &jobs.Feeder{Chunks: f.chunks, Queue: queue}
	f.h.Queue, f.h.Feeder = queue, feeder
	mux := asynq.NewServeMux()
	f.h.Register(mux)
	srv := asynq.NewServerFromRedisClient(f.rdb, asynq.Config{
		Concurrency: 2, Queues: jobs.Queues, IsFailure: IsFailure,
		RetryDelayFunc:           func(int, error, *asynq.Task) time.Duration { return 0 },
		TaskCheckInterval:        10 * time.Millisecond,
		DelayedTaskCheckInterval: 10 * time.Millisecond,
		LogLevel:                 asynq.FatalLevel,
	})
	if err := srv.Start(mux); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
	if _, err := feeder.Release(ctx, "b1"); err != nil {
		t.Fatal(err)
	}
	var b bulkverify.Batch
	waitUntil(t, 30*time.Second, "completed", func() bool {
		var err error
		b, err = f.batches.Get(ctx, "b1")
		return err == nil && b.State == bulkverify.StateCompleted
	})

	if got := f.v.callsOf("panics"); got != 3 {
		t.Errorf("the panicking row was verified %d times, want 3 (BV_MAX_CHUNK_CRASHES), then never again", got)
	}
	if got := f.v.callsOf("ok-1"); got != 1 {
		t.Errorf("the row finished before the panic was verified %d times, want once: its result is saved", got)
	}
	out, err := f.files.get("output:b1")
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil || len(recs) != 7 {
		t.Fatalf("output: %d records (%v), want a header and 6 rows", len(recs), err)
	}
	want := map[string]string{"1": "VERIFIED/OK/false", "2": "FAILED/PROCESSING_FAILED/true", "3": "FAILED/PROCESSING_FAILED/true",
		"4": "VERIFIED/OK/false", "5": "VERIFIED/OK/false", "6": "VERIFIED/OK/false"}
	for _, rec := range recs[1:] {
		got := rec[2] + "/" + rec[3] + "/" + rec[5]
		if got != want[rec[0]] || rec[1] != "ref-"+rec[0] {
			t.Errorf("output row %s (%s): got %s, want %s", rec[0], rec[1], got, want[rec[0]])
		}
		delete(want, rec[0])
	}
	if len(want) != 0 {
		t.Errorf("rows missing from the output: %v", want)
	}
	for _, r := range f.results(t, 0)[1:] {
		wantProcessingFailed(t, r, 3)
	}
	if b.Failed != 2 || b.Verified != 4 {
		t.Errorf("batch counts: %d verified, %d failed; want 4 and 2", b.Verified, b.Failed)
	}
	if got := testutil.ToFloat64(f.h.Metrics.CrashedChunks.WithLabelValues("digilocker")); got != 1 {
		t.Errorf("bulkverify_crashed_chunks_total{provider=digilocker}: got %v, want 1", got)
	}
	logs := f.log.String()
	if !strings.Contains(logs, `"level":"ERROR","msg":"chunk crashed its workers too often`) ||
		!strings.Contains(logs, `"request_id":"b1","tenant":"","chunk":0,"crashes":3`) {
		t.Errorf("no error log naming the request_id, the chunk and its 3 crashes in:\n%s", logs)
	}
	if strings.Count(logs, `"msg":"chunk panicked: counted as a crash, retried"`) != 3 {
		t.Errorf("want each of the 3 panics logged once, with its stack:\n%s", logs)
	}
	for _, secret := range []string{"panics", "ok-1", "ref-2"} {
		if strings.Contains(logs, `"`+secret+`"`) || strings.Contains(logs, secret+",") {
			t.Errorf("the logs hold row data (%q)", secret)
		}
	}
}

// A chunk whose worker dies on it (here: hangs without renewing its lease,
// as a killed worker does) is counted a crash once its lease lapsed; after
// MaxChunkCrashes of them, the next delivery settles it without verifying
// a row, and the batch moves on.
func TestAChunkWhoseWorkersDieIsSettledOnceTheirLeasesLapsed(t *testing.T) {
	t.Parallel()
	f := crashSetup(t, 3, 50*time.Millisecond, "dies", "ok-2", "ok-3")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second) // a chunk verified again hangs: fail instead
	defer cancel()
	dead := f.dieOn(t, 3)
	if err := f.h.VerifyChunk(ctx, f.tasks[0]); err != nil {
		t.Fatalf("the delivery after 3 crashes: got %v, want the chunk settled", err)
	}
	if got := f.v.callsOf("dies"); got != 3 {
		t.Errorf("the row that kills its worker was verified %d times, want 3", got)
	}
	if got := f.v.callsOf("ok-2"); got != 0 {
		t.Errorf("a row after it was verified %d times, want never", got)
	}
	results := f.results(t, 0)
	if len(results) != 3 {
		t.Fatalf("part has %d rows, want 3", len(results))
	}
	for i, r := range results {
		wantProcessingFailed(t, r, 3)
		if r.RowNumber != i+1 || r.ReferenceID != fmt.Sprintf("ref-%d", i+1) {
			t.Errorf("got row %d (%q), want row %d with its reference_id", r.RowNumber, r.ReferenceID, i+1)
		}
	}
	if b, _ := f.batches.Get(ctx, "b1"); b.DoneChunks != 1 || b.Failed != 3 {
		t.Errorf("batch: %d chunks done, %d rows failed; want chunk 0 done with 3 failed", b.DoneChunks, b.Failed)
	}
	dead() // the dead deliveries end only now, and change nothing
	if b, _ := f.batches.Get(ctx, "b1"); b.DoneChunks != 1 || b.Failed != 3 {
		t.Errorf("after the dead deliveries ended: %d chunks done, %d rows failed; want them unchanged", b.DoneChunks, b.Failed)
	}
}

// panickyFiles panics whenever the input is read, as a worker that runs
// out of memory reading a chunk dies.
type panickyFiles struct{ *memFiles }

func (panickyFiles) OpenInputRange(context.Context, string, string, int64, int64) (io.ReadCloser, error) {
	panic("reading the input")
}

// A chunk that crashes its worker while it is read crashes it again while
// it is settled; the delivery after that settles it without reading its
// rows: they are known by number, with no reference_id.
func TestAChunkThatCrashesWhenReadIsSettledUnread(t *testing.T) {
	t.Parallel()
	f := crashSetup(t, 1, time.Minute, "ok-1", "ok-2", "ok-3")
	f.h.Files = panickyFiles{f.files}
	ctx := context.Background()
	for i, want := range []string{"verifying", "settling"} {
		if err := f.h.VerifyChunk(ctx, f.tasks[0]); err == nil || !strings.Contains(err.Error(), "panic: reading the input") {
			t.Fatalf("delivery %d (%s): got %v, want the panic as an error", i+1, want, err)
		}
	}
	if err := f.h.VerifyChunk(ctx, f.tasks[0]); err != nil {
		t.Fatalf("delivery 3: got %v, want the chunk settled without reading it", err)
	}
	results := f.results(t, 0)
	if len(results) != 3 {
		t.Fatalf("part has %d rows, want 3", len(results))
	}
	for i, r := range results {
		wantProcessingFailed(t, r, 2)
		if r.RowNumber != i+1 || r.ReferenceID != "" {
			t.Errorf("got row %d (%q), want row %d without a reference_id", r.RowNumber, r.ReferenceID, i+1)
		}
	}
	if got := f.v.callsOf("ok-1"); got != 0 {
		t.Errorf("a row was verified %d times, want never", got)
	}
}

// dieOn delivers chunk 0 n times; each delivery hangs on the "dies" row
// and its lease lapses: n crashes. The returned func (also run when the
// test ends) lets the dead deliveries return, and waits for them.
func (f crashFixture) dieOn(t *testing.T, n int) (end func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	end = sync.OnceFunc(func() { cancel(); wg.Wait() })
	t.Cleanup(end)
	for i := 1; i <= n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f.h.VerifyChunk(ctx, f.tasks[0])
		}()
		waitUntil(t, 10*time.Second, fmt.Sprintf("delivery %d at the row that kills it", i), func() bool { return f.v.callsOf("dies") == i })
		f.waitLapsed(t)
	}
	return end
}

// waitLapsed waits until nobody holds chunk 0's lease.
func (f crashFixture) waitLapsed(t *testing.T) {
	t.Helper()
	waitUntil(t, 10*time.Second, "lease lapsed", func() bool {
		leased, err := storage.NewLeases(f.rdb, time.Now, time.Hour).LeasedChunks(context.Background(), "b1", []int{0})
		return err == nil && !leased[0]
	})
}
