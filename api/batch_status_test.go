package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/internal/clocktest"
	"github.com/bulkverify/bulkverify/internal/redistest"
	"github.com/bulkverify/bulkverify/storage"
)

// countedBatches counts the store reads of the status route and, when
// gate is set, holds each until gate is closed.
type countedBatches struct {
	bulkverify.BatchService
	gets atomic.Int64
	gate chan struct{}
}

func (c *countedBatches) Get(ctx context.Context, id string) (bulkverify.Batch, error) {
	c.gets.Add(1)
	if c.gate != nil {
		<-c.gate
	}
	return c.BatchService.Get(ctx, id)
}

// presignedFiles presigns every output; nothing else is called.
type presignedFiles struct{ bulkverify.FileService }

func (presignedFiles) PresignOutput(_ context.Context, id string) (string, error) {
	return "https://s3.test/" + id + "/output.csv?X-Amz-Signature=1&a=b", nil
}

func (presignedFiles) PresignErrors(_ context.Context, id string) (string, error) {
	return "https://s3.test/" + id + "/errors.csv?X-Amz-Signature=1&a=b", nil
}

type statusBundle struct {
	srv   *Server
	store *storage.Batches
	reads *countedBatches
	clock *clocktest.Clock
}

// setupStatus returns a server on a real store (a Redis database of the
// test's own) holding batch b1 of tenant acme: 4 rows in 2 chunks, queued.
func setupStatus(t *testing.T) statusBundle {
	t.Helper()
	clock := clocktest.New(time.UnixMilli(1_700_000_000_000))
	store := storage.NewBatches(redistest.Client(t), clock.Now, time.Hour)
	b := bulkverify.Batch{ID: "b1", Tenant: "acme", Provider: "digilocker", TotalRows: 4, Chunks: 2, CreatedAt: clock.Now()}
	if err := store.Create(t.Context(), b, 2, nil); err != nil {
		t.Fatal(err)
	}
	reads := &countedBatches{BatchService: store}
	reg := prometheus.NewRegistry()
	srv := &Server{
		Batches: reads, Files: presignedFiles{}, Metrics: NewMetrics(reg, reg),
		Now: clock.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	return statusBundle{srv: srv, store: store, reads: reads, clock: clock}
}

// statusAnswer is the envelope of a status answer.
type statusAnswer struct {
	HTTP    int
	Code    int         `json:"code"`
	SubCode string      `json:"sub_code"`
	Data    BatchStatus `json:"data"`
}

// poll asks the status route for id as tenant.
func (b statusBundle) poll(t *testing.T, tenant, id string) statusAnswer {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/v1/verification/batch-processing-status?request_id="+id, nil)
	req = req.WithContext(context.WithValue(req.Context(), tenantKey{}, tenant))
	rec := httptest.NewRecorder()
	b.srv.handleBatchStatus(rec, req)
	var a statusAnswer
	if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil {
		t.Errorf("status of %s for %s: %v in %q", id, tenant, err, rec.Body)
	}
	a.HTTP = rec.Code
	return a
}

// completeChunk records chunk as done with its 2 rows verified.
func (b statusBundle) completeChunk(t *testing.T, chunk int) {
	t.Helper()
	if _, err := b.store.CompleteChunk(t.Context(), "b1", chunk, bulkverify.ChunkCounts{Rows: 2, Verified: 2}); err != nil {
		t.Fatal(err)
	}
}

// complete finishes b1: every row processed and verified.
func (b statusBundle) complete(t *testing.T) {
	t.Helper()
	b.completeChunk(t, 0)
	b.completeChunk(t, 1)
	if err := b.store.MarkFinished(t.Context(), "b1", bulkverify.StateCompleted, bulkverify.ChunkCounts{Rows: 4, Verified: 4}); err != nil {
		t.Fatal(err)
	}
}

// waitShared waits until n requests share the running read of id.
func (b statusBundle) waitShared(t *testing.T, id string, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; {
		c := &b.srv.running
		c.mu.Lock()
		f := c.flights[id]
		shared := f != nil && f.shared == n
		c.mu.Unlock()
		if shared && b.reads.gets.Load() == 1 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d requests did not come to share one read of %s within 10s (%d reads)", n, id, b.reads.gets.Load())
		}
		time.Sleep(time.Millisecond)
	}
}

func TestStatusInProgressIsReadAgainOnceMaxAgeOld(t *testing.T) {
	t.Parallel()
	b := setupStatus(t)
	b.srv.StatusMaxAge = 500 * time.Millisecond
	if a := b.poll(t, "acme", "b1"); a.HTTP != http.StatusOK || a.Data.Status != http.StatusCreated || a.Data.ProcessedRows != 0 {
		t.Fatalf("queued: got HTTP %d, status %d, %d rows; want 200, 201, 0", a.HTTP, a.Data.Status, a.Data.ProcessedRows)
	}
	b.completeChunk(t, 0)
	b.clock.Add(499 * time.Millisecond)
	if a := b.poll(t, "acme", "b1"); a.Data.ProcessedRows != 0 || b.reads.gets.Load() != 1 {
		t.Errorf("499ms later: got %d rows after %d reads, want the kept 0 after 1", a.Data.ProcessedRows, b.reads.gets.Load())
	}
	b.clock.Add(time.Millisecond)
	if a := b.poll(t, "acme", "b1"); a.Data.ProcessedRows != 2 || a.Data.DoneChunks != 1 || b.reads.gets.Load() != 2 {
		t.Errorf("500ms later: got %d rows (%d chunks) after %d reads, want 2 (1) after 2", a.Data.ProcessedRows, a.Data.DoneChunks, b.reads.gets.Load())
	}
	b.srv.StatusMaxAge = -1
	b.poll(t, "acme", "b1")
	if n := b.reads.gets.Load(); n != 3 {
		t.Errorf("with no max age: got %d reads, want 3 (one a request)", n)
	}
}

func TestStatusPollersOfABatchShareOneRead(t *testing.T) {
	t.Parallel()
	b := setupStatus(t)
	b.completeChunk(t, 0)
	b.reads.gate = make(chan struct{})
	const pollers = 8
	answers := make(chan statusAnswer, pollers)
	for range pollers {
		go func() { answers <- b.poll(t, "acme", "b1") }()
	}
	b.waitShared(t, "b1", pollers-1)
	close(b.reads.gate)
	for range pollers {
		if a := <-answers; a.HTTP != http.StatusOK || a.Data.ProcessedRows != 2 || a.Data.RequestID != "b1" {
			t.Errorf("a poller: got HTTP %d, %d rows of %q; want 200, 2 of b1", a.HTTP, a.Data.ProcessedRows, a.Data.RequestID)
		}
	}
	if n := b.reads.gets.Load(); n != 1 {
		t.Errorf("%d pollers at once: got %d store reads, want 1", pollers, n)
	}
}

func TestStatusOfABatchIsAnsweredToItsTenantOnly(t *testing.T) {
	t.Parallel()
	b := setupStatus(t)
	invalid := func(what string, a statusAnswer) {
		t.Helper()
		if a.HTTP != http.StatusUnprocessableEntity || a.SubCode != bulkverify.EInvalidRequestID || a.Data.RequestID != "" {
			t.Errorf("%s: got HTTP %d %s with data of %q, want 422 %s and no data", what, a.HTTP, a.SubCode, a.Data.RequestID, bulkverify.EInvalidRequestID)
		}
	}
	if a := b.poll(t, "acme", "b1"); a.HTTP != http.StatusOK {
		t.Fatalf("its tenant: got HTTP %d, want 200", a.HTTP)
	}
	invalid("another tenant, while its tenant's answer is kept", b.poll(t, "globex", "b1"))
	invalid("an unknown id", b.poll(t, "acme", "nope"))

	b.clock.Add(time.Second) // both share the next read, another tenant leading it
	b.reads.gets.Store(0)
	b.reads.gate = make(chan struct{})
	other := make(chan statusAnswer)
	go func() { other <- b.poll(t, "globex", "b1") }()
	b.waitShared(t, "b1", 0)
	own := make(chan statusAnswer)
	go func() { own <- b.poll(t, "acme", "b1") }()
	b.waitShared(t, "b1", 1)
	close(b.reads.gate)
	invalid("another tenant sharing a read", <-other)
	if a := <-own; a.HTTP != http.StatusOK || a.Data.RequestID != "b1" {
		t.Errorf("its tenant sharing a read: got HTTP %d for %q, want 200 for b1", a.HTTP, a.Data.RequestID)
	}

	b.reads.gate = nil
	b.complete(t)
	b.clock.Add(time.Second)
	if a := b.poll(t, "acme", "b1"); a.Data.State != bulkverify.StateCompleted {
		t.Fatalf("its tenant, completed: got %s, want completed", a.Data.State)
	}
	invalid("another tenant, while the ended batch is kept", b.poll(t, "globex", "b1"))
}

func TestStatusAtTheEndIsTheStoresOnceThisProcessSawIt(t *testing.T) {
	t.Parallel()
	b := setupStatus(t)
	b.completeChunk(t, 0)
	b.poll(t, "acme", "b1")
	b.complete(t)
	if a := b.poll(t, "acme", "b1"); a.Data.Status != http.StatusCreated {
		t.Errorf("completed in the store, not seen here: got status %d, want the kept 201 (at most max age old)", a.Data.Status)
	}
	ended, err := b.store.Get(t.Context(), "b1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.srv.status(t.Context(), ended, false); err != nil { // the list route saw it end
		t.Fatal(err)
	}
	for _, after := range []time.Duration{0, 2 * time.Second} { // then with endedBatches' copy expired
		b.clock.Add(after)
		a := b.poll(t, "acme", "b1")
		if a.Data.Status != http.StatusOK || a.Data.State != bulkverify.StateCompleted || a.Data.ProcessedRows != 4 || a.Data.Verified != 4 || a.Data.BatchOutputFileURL == nil {
			t.Errorf("%s after the list saw it end: got status %d, %s, %d rows (%d verified), output %v; want 200, completed, 4 (4), a URL",
				after, a.Data.Status, a.Data.State, a.Data.ProcessedRows, a.Data.Verified, a.Data.BatchOutputFileURL)
		}
	}
}

func TestStatusAtTheEndIsTheStoresOnceMaxAgeOld(t *testing.T) {
	t.Parallel()
	b := setupStatus(t)
	b.poll(t, "acme", "b1")
	b.complete(t)
	b.clock.Add(time.Second)
	a := b.poll(t, "acme", "b1")
	if a.Data.Status != http.StatusOK || a.Data.ProcessedRows != 4 || a.Data.ETASeconds == nil || *a.Data.ETASeconds != 0 || a.Data.ErrorFileURL == nil {
		t.Errorf("completed, a second on: got status %d, %d rows, eta %v, errors %v; want 200, 4, 0, a URL", a.Data.Status, a.Data.ProcessedRows, a.Data.ETASeconds, a.Data.ErrorFileURL)
	}
}

func TestStatusDataIsSentAsWriteOKWouldSendIt(t *testing.T) {
	t.Parallel()
	clock := clocktest.New(time.UnixMilli(1_700_000_000_123))
	s := &Server{Now: clock.Now}
	url := "https://s3.test/out.csv?a=b&c=<d>"
	st := BatchStatus{
		RequestID: "b1", Status: http.StatusCreated, Message: "batch processing in progress", BatchOutputFileURL: &url,
		Codes: map[bulkverify.Code]int{"OK": 3, "INVALID_ROW": 1}, Metadata: map[string]string{"k": "v & \"q\""},
	}
	data, err := encodeData(st)
	if err != nil {
		t.Fatal(err)
	}
	fast, slow := httptest.NewRecorder(), httptest.NewRecorder()
	s.writeStatusData(fast, data)
	s.writeOK(slow, http.StatusOK, statusMessage, st)
	txid := regexp.MustCompile(`"transaction_id":"[0-9a-f]{32}"`)
	got, want := txid.ReplaceAll(fast.Body.Bytes(), nil), txid.ReplaceAll(slow.Body.Bytes(), nil)
	if !bytes.Equal(got, want) || fast.Code != slow.Code || fast.Header().Get("Content-Type") != slow.Header().Get("Content-Type") {
		t.Errorf("got %d %q\n%s\nwant %d %q\n%s", fast.Code, fast.Header().Get("Content-Type"), got, slow.Code, slow.Header().Get("Content-Type"), want)
	}
	if !txid.Match(fast.Body.Bytes()) {
		t.Errorf("got %s, want a transaction_id", fast.Body)
	}
}

// A batch a worker finished is answered finished at the next poll once
// the server is told (BatchEnded), not when its kept status is a second
// old; until then the kept one is served.
func TestStatusOfABatchToldEndedIsReadAtOnce(t *testing.T) {
	t.Parallel()
	b := setupStatus(t)
	b.poll(t, "acme", "b1")
	b.complete(t)
	if a := b.poll(t, "acme", "b1"); a.Data.Status != 201 {
		t.Fatalf("before the end is told: got status %d, want the kept 201", a.Data.Status)
	}
	b.srv.BatchEnded("b1")
	if a := b.poll(t, "acme", "b1"); a.Data.Status != http.StatusOK || a.Data.ProcessedRows != 4 {
		t.Errorf("told the batch ended: got status %d, %d rows; want 200 and 4 at once", a.Data.Status, a.Data.ProcessedRows)
	}
}
