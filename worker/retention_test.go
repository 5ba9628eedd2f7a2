package worker

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/internal/clocktest"
	"github.com/bulkverify/bulkverify/internal/redistest"
	"github.com/bulkverify/bulkverify/storage"
)

// batchFiles is a BatchFiles made of functions; it records what it was
// asked to delete.
type batchFiles struct {
	DeleteBatchFunc       func(ctx context.Context, id string) error
	AbortStaleUploadsFunc func(ctx context.Context, olderThan time.Duration) (int, error)

	mu      sync.Mutex
	deleted []string
}

func (f *batchFiles) DeleteBatch(ctx context.Context, id string) error {
	if f.DeleteBatchFunc != nil {
		if err := f.DeleteBatchFunc(ctx, id); err != nil {
			return err
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.deleted = append(f.deleted, id)
	return nil
}

func (f *batchFiles) AbortStaleUploads(ctx context.Context, olderThan time.Duration) (int, error) {
	if f.AbortStaleUploadsFunc != nil {
		return f.AbortStaleUploadsFunc(ctx, olderThan)
	}
	return 0, nil
}

func (f *batchFiles) deletedIDs() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Sorted(slices.Values(f.deleted))
}

// reaperSetup is what a retention test works on: batches in a Redis of
// their own whose clock the test moves, a retention of an hour, fake
// files and the batches announced expired.
type reaperSetup struct {
	batches *storage.Batches
	files   *batchFiles
	reaper  *Reaper
	now     *clocktest.Clock

	mu      sync.Mutex
	expired []string
}

func newReaperSetup(t *testing.T) *reaperSetup {
	t.Helper()
	now := clocktest.New(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	s := &reaperSetup{
		batches: storage.NewBatches(redistest.Client(t), now.Now, time.Hour),
		files:   &batchFiles{},
		now:     now,
	}
	s.reaper = &Reaper{Batches: storage.NewRetention(s.batches), Files: s.files, StaleUploadAge: 24 * time.Hour, Every: time.Hour, Log: quietLog(),
		OnExpired: func(ctx context.Context, id string) error {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.expired = append(s.expired, id)
			return nil
		}}
	return s
}

// create stores a running batch; finish finishes it now.
func (s *reaperSetup) create(t *testing.T, id string) {
	t.Helper()
	b := bulkverify.Batch{ID: id, Tenant: "t", Provider: "digilocker", TotalRows: 1, Chunks: 1, CreatedAt: s.now.Now()}
	if err := s.batches.Create(context.Background(), b, 1, [][]byte{[]byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
}

func (s *reaperSetup) finish(t *testing.T, id string) {
	t.Helper()
	s.create(t, id)
	if err := s.batches.MarkFinished(context.Background(), id, bulkverify.StateCompleted, bulkverify.ChunkCounts{Rows: 1, Verified: 1}); err != nil {
		t.Fatal(err)
	}
}

func (s *reaperSetup) state(t *testing.T, id string) bulkverify.State {
	t.Helper()
	b, err := s.batches.Get(context.Background(), id)
	if err != nil {
		t.Fatalf("batch %s: %v", id, err)
	}
	return b.State
}

func (s *reaperSetup) announced() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Sorted(slices.Values(s.expired))
}

// A batch finished more than the retention ago loses its files and
// becomes expired, and its batch.expired is announced, once; a batch
// finished within the retention and a running one keep everything.
func TestReaperExpiresOnlyTheBatchesPastRetention(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newReaperSetup(t)
	s.finish(t, "old")
	s.now.Add(2 * time.Hour)
	s.finish(t, "recent")
	s.create(t, "running")

	if err := s.reaper.Reap(ctx); err != nil {
		t.Fatal(err)
	}
	if got := s.files.deletedIDs(); !slices.Equal(got, []string{"old"}) {
		t.Errorf("files deleted of %v, want [old]", got)
	}
	if got := s.announced(); !slices.Equal(got, []string{"old"}) {
		t.Errorf("announced expired: %v, want [old]", got)
	}
	for id, want := range map[string]bulkverify.State{"old": bulkverify.StateExpired, "recent": bulkverify.StateCompleted, "running": bulkverify.StateQueued} {
		if got := s.state(t, id); got != want {
			t.Errorf("batch %s: state %s, want %s", id, got, want)
		}
	}
	if err := s.reaper.Reap(ctx); err != nil {
		t.Fatal(err)
	}
	if got := s.announced(); len(got) != 1 {
		t.Errorf("after a second sweep, announced expired: %v, want [old] once", got)
	}
}

// A batch whose files cannot be deleted keeps its state and data key, the
// sweep goes on with the others and says why; a later sweep expires it.
func TestReaperKeepsABatchWhoseFilesCannotBeDeleted(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newReaperSetup(t)
	s.finish(t, "stuck")
	s.finish(t, "fine")
	s.now.Add(2 * time.Hour)
	s3Down := errors.New("S3 is down")
	s.files.DeleteBatchFunc = func(ctx context.Context, id string) error {
		if id == "stuck" {
			return s3Down
		}
		return nil
	}
	if err := s.reaper.Reap(ctx); !errors.Is(err, s3Down) {
		t.Errorf("Reap: got %v, want the delete's error", err)
	}
	if got := s.state(t, "stuck"); got != bulkverify.StateCompleted {
		t.Errorf("the batch whose files stayed: state %s, want completed", got)
	}
	if _, err := s.batches.DataKey(ctx, "stuck"); err != nil {
		t.Errorf("the batch whose files stayed lost its data key: %v", err)
	}
	if got := s.state(t, "fine"); got != bulkverify.StateExpired {
		t.Errorf("the other batch: state %s, want expired", got)
	}
	s.files.DeleteBatchFunc = nil
	if err := s.reaper.Reap(ctx); err != nil {
		t.Fatal(err)
	}
	if got := s.state(t, "stuck"); got != bulkverify.StateExpired {
		t.Errorf("after S3 came back: state %s, want expired", got)
	}
}

// One sweep expires every batch due, however many, 100 at a time.
func TestReaperExpiresEveryBatchDueInOneSweep(t *testing.T) {
	t.Parallel()
	s := newReaperSetup(t)
	var want []string
	for i := range 230 {
		id := fmt.Sprintf("b%03d", i)
		s.finish(t, id)
		want = append(want, id)
	}
	s.now.Add(2 * time.Hour)
	if err := s.reaper.Reap(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := s.announced(); !slices.Equal(got, want) {
		t.Errorf("one sweep expired %d batches, want all %d", len(got), len(want))
	}
}

// Each sweep aborts the multipart uploads older than StaleUploadAge and
// reports when it cannot.
func TestReaperAbortsStaleUploads(t *testing.T) {
	t.Parallel()
	s := newReaperSetup(t)
	var asked []time.Duration
	listDown := errors.New("list uploads: S3 is down")
	s.files.AbortStaleUploadsFunc = func(ctx context.Context, olderThan time.Duration) (int, error) {
		asked = append(asked, olderThan)
		if len(asked) == 2 {
			return 0, listDown
		}
		return 3, nil
	}
	if err := s.reaper.Reap(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := s.reaper.Reap(context.Background()); !errors.Is(err, listDown) {
		t.Errorf("Reap: got %v, want the abort's error", err)
	}
	if !slices.Equal(asked, []time.Duration{24 * time.Hour, 24 * time.Hour}) {
		t.Errorf("asked to abort uploads older than %v, want 24h on each sweep", asked)
	}
}

// Started, the reaper sweeps every interval on its own until Shutdown,
// which waits for the sweep in progress.
func TestReaperSweepsFromStartUntilShutdown(t *testing.T) {
	t.Parallel()
	s := newReaperSetup(t)
	s.reaper.Every = time.Millisecond
	s.finish(t, "old")
	s.now.Add(2 * time.Hour)
	s.reaper.Start()
	waitUntil(t, 10*time.Second, "expired by the running reaper", func() bool { return len(s.announced()) == 1 })
	s.reaper.Shutdown()
	s.finish(t, "after")
	s.now.Add(2 * time.Hour)
	sweeps := 0
	s.files.AbortStaleUploadsFunc = func(context.Context, time.Duration) (int, error) {
		sweeps++
		return 0, nil
	}
	if err := s.reaper.Reap(context.Background()); err != nil { // the test's own sweep, the loop stopped
		t.Fatal(err)
	}
	if sweeps != 1 {
		t.Errorf("after Shutdown: %d sweeps ran, want only the test's own", sweeps)
	}
}
