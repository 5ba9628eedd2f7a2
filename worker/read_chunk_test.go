package worker

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
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

// A chunk is read under the header stored once with its batch, as its
// payload no longer carries one; a row whose field count is not the
// header's ends INVALID_ROW with a blank reference_id, its values echoed
// nowhere.
func TestAChunkIsReadUnderItsBatchsStoredHeader(t *testing.T) {
	t.Parallel()
	rdb := redistest.Client(t)
	batches := storage.NewBatches(rdb, time.Now, time.Hour)
	input := "reference_id,access_token,doctype\nref-1,a,PANCR\nverified-secret,PANCR\nref-3,c,PANCR\n"
	plan, err := batchcsv.Split(strings.NewReader(input), digilocker.Spec, batchcsv.Options{ChunkSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	payload := jobs.EncodeVerifyChunk(jobs.VerifyChunk{BatchID: "b1", Provider: "digilocker", Chunk: plan.Chunks[0]})
	b := bulkverify.Batch{ID: "b1", Provider: "digilocker", TotalRows: 3, Chunks: 1, CreatedAt: time.Now(), Header: plan.Header}
	if err := batches.Create(context.Background(), b, 1, [][]byte{payload}); err != nil {
		t.Fatal(err)
	}
	files := &memFiles{files: map[string][]byte{inputOf("b1"): []byte(input)}}
	v := &throttlingVerifier{calls: map[int]int{}}
	h := &Handlers{
		Batches: batches, Checkpoints: storage.NewChunks(rdb, time.Now, time.Hour), Files: files, Queue: noQueue{}, Feeder: noRelease{},
		Verifiers:      map[string]bulkverify.Verifier{"digilocker": v},
		Specs:          map[string]bulkverify.Spec{"digilocker": digilocker.Spec},
		RowConcurrency: 2,
		Backoff:        Backoff{MaxAttempts: 3, MaxThrottled: 2, Base: time.Millisecond, Max: 5 * time.Millisecond},
		Now:            time.Now,
		Log:            slog.New(slog.NewTextHandler(io.Discard, nil)),
		Metrics:        NewMetrics(prometheus.NewRegistry()),
	}
	if err := h.VerifyChunk(context.Background(), asynq.NewTask(jobs.TypeVerifyChunk, payload)); err != nil {
		t.Fatal(err)
	}
	part, err := files.get(partOf("b1", 0))
	if err != nil {
		t.Fatal(err)
	}
	results, err := batchcsv.DecodePart(bytes.NewReader(part))
	if err != nil || len(results) != 3 {
		t.Fatalf("part has %d rows (%v), want 3", len(results), err)
	}
	want := []struct {
		ref    string
		status bulkverify.Status
		code   bulkverify.Code
	}{
		{"ref-1", bulkverify.StatusVerified, bulkverify.CodeOK},
		{"", bulkverify.StatusFailed, bulkverify.CodeInvalidRow},
		{"ref-3", bulkverify.StatusVerified, bulkverify.CodeOK},
	}
	for i, w := range want {
		r := results[i]
		if r.ReferenceID != w.ref || r.Status != w.status || r.Code != w.code {
			t.Errorf("row %d: got %q %s/%s, want %q %s/%s", i+1, r.ReferenceID, r.Status, r.Code, w.ref, w.status, w.code)
		}
	}
	if bytes.Contains(part, []byte("verified-secret")) {
		t.Errorf("the misaligned row's value is in the part: %s", part)
	}
	if v.calls[2] != 0 {
		t.Errorf("the misaligned row was sent upstream %d times, want never", v.calls[2])
	}
}
