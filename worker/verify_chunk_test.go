package worker

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/batchcsv"
	"github.com/bulkverify/bulkverify/internal/redistest"
	"github.com/bulkverify/bulkverify/jobs"
	"github.com/bulkverify/bulkverify/provider/digilocker"
	"github.com/bulkverify/bulkverify/storage"
)

// memFiles is an in-memory FileStore.
type memFiles struct {
	mu    sync.Mutex
	files map[string][]byte
}

func (m *memFiles) get(key string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.files[key]
	if !ok {
		return nil, errors.New("no such key " + key)
	}
	return b, nil
}
func (m *memFiles) put(key string, b []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.files[key] = append([]byte(nil), b...)
}

// Keys of the in-memory store: "input:ID", "part:ID:N", "output:ID",
// "errors:ID".
func inputOf(id string) string           { return "input:" + id }
func partOf(id string, chunk int) string { return fmt.Sprintf("part:%s:%d", id, chunk) }

func (m *memFiles) OpenInputRange(_ context.Context, id, _ string, off, n int64) (io.ReadCloser, error) {
	b, err := m.get(inputOf(id))
	if err != nil {
		return nil, err
	}
	return io.NopCloser(bytes.NewReader(b[off : off+n])), nil
}
func (m *memFiles) OpenPart(_ context.Context, id string, chunk int) (io.ReadCloser, error) {
	b, err := m.get(partOf(id, chunk))
	return io.NopCloser(bytes.NewReader(b)), err
}
func (m *memFiles) PutPart(_ context.Context, id string, chunk int, b []byte) error {
	m.put(partOf(id, chunk), b)
	return nil
}
func (m *memFiles) upload(key string, r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m.put(key, b)
	return nil
}
func (m *memFiles) PutOutput(_ context.Context, id string, r io.Reader) error {
	return m.upload("output:"+id, r)
}
func (m *memFiles) PutErrors(_ context.Context, id string, r io.Reader) error {
	return m.upload("errors:"+id, r)
}

type noQueue struct{}

func (noQueue) EnqueueContext(context.Context, *asynq.Task, ...asynq.Option) (*asynq.TaskInfo, error) {
	return &asynq.TaskInfo{}, nil
}

type noRelease struct{}

func (noRelease) Release(context.Context, string) (int, error) { return 0, nil }

// throttlingVerifier answers 429 for the tokens in throttle while blocked
// is set, and VERIFIED otherwise, counting calls per row.
type throttlingVerifier struct {
	mu       sync.Mutex
	calls    map[int]int
	blocked  bool
	throttle map[string]bool
}

func (v *throttlingVerifier) Verify(_ context.Context, row bulkverify.Row) (bulkverify.Result, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.calls[row.Number]++
	if v.blocked && v.throttle[row.Get("access_token")] {
		return bulkverify.Result{}, &bulkverify.UpstreamError{Provider: "digilocker", Op: "test", StatusCode: http.StatusTooManyRequests, Wait: time.Millisecond}
	}
	return bulkverify.Verified(row, "ok"), nil
}

// chunkBundle is a batch "b1" of one chunk of five rows, two of them
// throttled while v is blocked, and the handlers that verify it.
type chunkBundle struct {
	h     *Handlers
	task  *asynq.Task
	files *memFiles
	v     *throttlingVerifier
}

func setupChunk(t *testing.T, maxRequeues int) chunkBundle {
	t.Helper()
	rdb := redistest.Client(t)
	batches := storage.NewBatches(rdb, time.Now, time.Hour)
	input := "access_token,doctype\na,PANCR\nb,PANCR\nc,PANCR\nslow-1,PANCR\nslow-2,PANCR\n"
	plan, err := batchcsv.Split(strings.NewReader(input), digilocker.Spec, batchcsv.Options{ChunkSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	files := &memFiles{files: map[string][]byte{inputOf("b1"): []byte(input)}}
	payload := jobs.EncodeVerifyChunk(jobs.VerifyChunk{BatchID: "b1", Provider: "digilocker", Header: plan.Header, Chunk: plan.Chunks[0]})
	if err := batches.Create(context.Background(), bulkverify.Batch{ID: "b1", Provider: "digilocker", TotalRows: 5, Chunks: 1, CreatedAt: time.Now()}, 1, [][]byte{payload}); err != nil {
		t.Fatal(err)
	}
	v := &throttlingVerifier{calls: map[int]int{}, blocked: true, throttle: map[string]bool{"slow-1": true, "slow-2": true}}
	h := &Handlers{
		Batches: batches, Checkpoints: storage.NewChunks(rdb, time.Now, time.Hour), Files: files, Queue: noQueue{}, Feeder: noRelease{},
		Verifiers:      map[string]bulkverify.Verifier{"digilocker": v},
		Specs:          map[string]bulkverify.Spec{"digilocker": digilocker.Spec},
		RowConcurrency: 2,
		Backoff:        Backoff{MaxAttempts: 3, MaxThrottled: 2, Base: time.Millisecond, Max: 5 * time.Millisecond},
		MaxRequeues:    maxRequeues,
		Now:            time.Now,
		Log:            slog.New(slog.NewTextHandler(io.Discard, nil)),
		Metrics:        NewMetrics(prometheus.NewRegistry()),
	}
	return chunkBundle{h: h, task: asynq.NewTask(jobs.TypeVerifyChunk, payload), files: files, v: v}
}

func TestThrottledChunkIsHandedBackAndDoesNotRepeatFinishedRows(t *testing.T) {
	t.Parallel()
	f := setupChunk(t, 5)
	ctx := context.Background()

	err := f.h.VerifyChunk(ctx, f.task)
	var rle *RateLimitError
	if !errors.As(err, &rle) || rle.RetryIn <= 0 {
		t.Fatalf("first delivery: got %v, want a *RateLimitError with a delay", err)
	}
	if IsFailure(err) {
		t.Error("IsFailure counts a rate-limit hand-back as a failure: it would use up the task's retries")
	}
	if _, err := f.files.get(partOf("b1", 0)); err == nil {
		t.Error("a handed-back chunk wrote its part")
	}

	f.v.mu.Lock()
	f.v.blocked = false
	f.v.mu.Unlock()
	if err := f.h.VerifyChunk(ctx, f.task); err != nil {
		t.Fatalf("second delivery: %v", err)
	}
	for row, want := range map[int]int{1: 1, 2: 1, 3: 1, 4: 3, 5: 3} {
		if got := f.v.calls[row]; got != want {
			t.Errorf("row %d: verified %d times, want %d (finished rows are not called again)", row, got, want)
		}
	}
	part, _ := f.files.get(partOf("b1", 0))
	results, err := batchcsv.DecodePart(bytes.NewReader(part))
	if err != nil || len(results) != 5 {
		t.Fatalf("part: %d rows, %v; want 5", len(results), err)
	}
	for _, r := range results {
		if r.Status != bulkverify.StatusVerified {
			t.Errorf("row %d: got %s, want VERIFIED", r.RowNumber, r.Status)
		}
	}
}

func TestThrottledRowsFailOnTheLastAllowedDelivery(t *testing.T) {
	t.Parallel()
	f := setupChunk(t, 1)
	ctx := context.Background()
	if err := f.h.VerifyChunk(ctx, f.task); err == nil {
		t.Fatal("first delivery: got nil, want a *RateLimitError")
	}
	if err := f.h.VerifyChunk(ctx, f.task); err != nil {
		t.Fatalf("last delivery: got %v, want the chunk finished", err)
	}
	part, err := f.files.get(partOf("b1", 0))
	if err != nil {
		t.Fatal(err)
	}
	results, err := batchcsv.DecodePart(bytes.NewReader(part))
	if err != nil || len(results) != 5 {
		t.Fatalf("part: %d rows, %v; want 5", len(results), err)
	}
	for _, r := range results[3:] {
		if r.Status != bulkverify.StatusFailed || r.Code != bulkverify.CodeUpstreamUnavailable || !r.Retryable {
			t.Errorf("throttled row %d: got %s/%s retryable=%v, want FAILED/UPSTREAM_UNAVAILABLE retryable", r.RowNumber, r.Status, r.Code, r.Retryable)
		}
	}
}

// A chunk that cannot be verified at all still completes on its last
// attempt, its rows FAILED with the reason, so the batch does not wait
// forever.
func TestAChunkThatCannotBeVerifiedIsGivenUpOnItsLastAttempt(t *testing.T) {
	t.Parallel()
	f := setupChunk(t, 5)
	p, _ := jobs.DecodeVerifyChunk(f.task.Payload())
	p.Provider = "retired-provider" // no such provider: asynq will not retry
	ctx := context.Background()
	if err := f.h.VerifyChunk(ctx, asynq.NewTask(jobs.TypeVerifyChunk, jobs.EncodeVerifyChunk(p))); err != nil {
		t.Fatalf("got %v, want the chunk given up and completed", err)
	}
	part, err := f.files.get(partOf("b1", 0))
	if err != nil {
		t.Fatal(err)
	}
	results, err := batchcsv.DecodePart(bytes.NewReader(part))
	if err != nil || len(results) != 5 {
		t.Fatalf("part has %d rows (%v), want 5", len(results), err)
	}
	for _, r := range results {
		if r.Status != bulkverify.StatusFailed || r.Code != bulkverify.CodeUpstreamUnavailable || !strings.Contains(r.Message, "retired-provider") {
			t.Errorf("row %d: got %s/%s %q, want FAILED/UPSTREAM_UNAVAILABLE naming the provider", r.RowNumber, r.Status, r.Code, r.Message)
		}
	}
	b, _ := f.h.Batches.Get(ctx, "b1")
	if b.DoneChunks != 1 || b.State != bulkverify.StateFinalizing {
		t.Errorf("batch: %d chunks done, state %s; want 1, finalizing", b.DoneChunks, b.State)
	}
}

// A chunk delivered again after it completed is not verified again.
func TestADoneChunkIsNotVerifiedAgain(t *testing.T) {
	t.Parallel()
	f := setupChunk(t, 5)
	f.v.blocked = false
	ctx := context.Background()
	for range 2 {
		if err := f.h.VerifyChunk(ctx, f.task); err != nil {
			t.Fatal(err)
		}
	}
	if got := f.v.calls[1]; got != 1 {
		t.Errorf("row 1 verified %d times across two deliveries, want 1", got)
	}
}
