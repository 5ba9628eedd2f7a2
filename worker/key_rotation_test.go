package worker

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/redis/go-redis/v9"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/envelope"
	"github.com/bulkverify/bulkverify/internal/redistest"
	"github.com/bulkverify/bulkverify/storage"
)

// rotationSetup is what a key rotation test works on: batches in Redis
// whose data keys were wrapped by an old service key, and the keyrings
// before, during and after the rotation.
type rotationSetup struct {
	rdb     *redis.Client
	batches *storage.Batches
	// old is the keyring before the rotation; rotating is the new key
	// with the old as previous; after is the new key alone.
	old, rotating, after *envelope.Keyring
	// dataKeys are the plain data keys, by batch id.
	dataKeys map[string][]byte
}

func newRotationSetup(t *testing.T) rotationSetup {
	t.Helper()
	rdb := redistest.Client(t)
	oldKey, newKey := envelope.NewDataKey(), envelope.NewDataKey()
	s := rotationSetup{rdb: rdb, batches: storage.NewBatches(rdb, time.Now, time.Hour), dataKeys: map[string][]byte{}}
	s.old, _ = envelope.NewKeyring(oldKey, nil)
	s.rotating, _ = envelope.NewKeyring(newKey, oldKey)
	s.after, _ = envelope.NewKeyring(newKey, nil)
	return s
}

// create stores a batch whose data key is wrapped by keys, then moves it
// to state (queued, completed or expired).
func (s rotationSetup) create(t *testing.T, id string, keys *envelope.Keyring, state bulkverify.State) {
	t.Helper()
	ctx := context.Background()
	s.dataKeys[id] = envelope.NewDataKey()
	b := bulkverify.Batch{ID: id, Tenant: "t", Provider: "digilocker", TotalRows: 1, Chunks: 1, CreatedAt: time.Now(), DataKey: keys.Wrap(id, s.dataKeys[id])}
	if err := s.batches.Create(ctx, b, 1, [][]byte{[]byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	if state == bulkverify.StateQueued {
		return
	}
	if err := s.batches.MarkFinished(ctx, id, bulkverify.StateCompleted, bulkverify.ChunkCounts{Rows: 1, Verified: 1}); err != nil {
		t.Fatal(err)
	}
	if state == bulkverify.StateExpired {
		if _, err := storage.NewRetention(s.batches).MarkExpired(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
}

// opensWith reports whether batch id's stored data key unwraps under keys
// to the data key it was made with.
func (s rotationSetup) opensWith(t *testing.T, id string, keys *envelope.Keyring) bool {
	t.Helper()
	wrapped, err := s.batches.DataKey(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	k, err := keys.Unwrap(id, wrapped)
	return err == nil && string(k) == string(s.dataKeys[id])
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// After one sweep every live batch, running or finished, opens with the
// new key alone, so BV_DATA_KEY_PREVIOUS can be dropped; the gauge counts
// the batches still under another key before and after.
func TestKeyRotationRewrapsEveryLiveBatch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newRotationSetup(t)
	s.create(t, "running", s.old, bulkverify.StateQueued)
	s.create(t, "finished", s.old, bulkverify.StateCompleted)
	s.create(t, "current", s.rotating, bulkverify.StateQueued)
	s.create(t, "expired", s.old, bulkverify.StateExpired)
	currentBefore, _ := s.batches.DataKey(ctx, "current")

	gauge := NewStaleKeysGauge(prometheus.NewRegistry())
	// Before the rotation: the processes still have the old key alone.
	before := &KeyRotator{Batches: storage.NewRetention(s.batches), Keys: s.old, Stale: gauge, Log: quietLog()}
	if err := before.Rotate(ctx); err == nil {
		t.Error("a sweep under the old key alone met a batch under the new key and said nothing")
	}
	if got := testutil.ToFloat64(gauge); got != 1 {
		t.Errorf("before the rotation: gauge %v, want 1 (the batch under the new key)", got)
	}
	for _, id := range []string{"running", "finished"} {
		if s.opensWith(t, id, s.after) {
			t.Fatalf("batch %s opens with the new key before the rotation: the test proves nothing", id)
		}
	}

	r := &KeyRotator{Batches: storage.NewRetention(s.batches), Keys: s.rotating, Stale: gauge, Log: quietLog()}
	if err := r.Rotate(ctx); err != nil {
		t.Fatal(err)
	}
	if got := testutil.ToFloat64(gauge); got != 0 {
		t.Errorf("after the sweep: gauge %v, want 0", got)
	}
	s.batches = storage.NewBatches(s.rdb, time.Now, time.Hour) // nothing cached from before the sweep
	for _, id := range []string{"running", "finished", "current"} {
		if !s.opensWith(t, id, s.after) {
			t.Errorf("batch %s does not open with the new key alone after the sweep", id)
		}
	}
	if got, _ := s.batches.DataKey(ctx, "current"); got != currentBefore {
		t.Error("a batch already under the new key was wrapped again")
	}
	if _, err := s.batches.DataKey(ctx, "expired"); !errors.Is(err, storage.ErrBatchNotFound) {
		t.Errorf("an expired batch: got %v, want no data key (ErrBatchNotFound)", err)
	}
}

// A batch whose data key is under neither key is counted and reported,
// and the sweep goes on with the others.
func TestKeyRotationCountsBatchesItCannotRewrap(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newRotationSetup(t)
	stranger, _ := envelope.NewKeyring(envelope.NewDataKey(), nil)
	s.create(t, "lost", stranger, bulkverify.StateQueued)
	s.create(t, "old", s.old, bulkverify.StateCompleted)
	gauge := NewStaleKeysGauge(prometheus.NewRegistry())
	r := &KeyRotator{Batches: storage.NewRetention(s.batches), Keys: s.rotating, Stale: gauge, Log: quietLog()}
	err := r.Rotate(ctx)
	if !errors.Is(err, envelope.ErrUnknownKey) || !strings.Contains(err.Error(), "lost") {
		t.Errorf("got %v, want ErrUnknownKey naming batch lost", err)
	}
	if got := testutil.ToFloat64(gauge); got != 1 {
		t.Errorf("gauge %v, want 1", got)
	}
	if !s.opensWith(t, "old", s.after) {
		t.Error("the batch under the old key was not re-wrapped")
	}
}

// expiringStore is the real store, but the named batch expires between
// the sweep's read of the data keys and its swaps: the rotation must not
// give an expired batch its data key back.
type expiringStore struct {
	*storage.Retention
	expire string
}

func (e expiringStore) WrappedDataKeys(ctx context.Context) (map[string]string, error) {
	keys, err := e.Retention.WrappedDataKeys(ctx)
	if err == nil {
		_, err = e.Retention.MarkExpired(ctx, e.expire)
	}
	return keys, err
}

func TestKeyRotationNeverRevivesAnExpiredBatchsKey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newRotationSetup(t)
	s.create(t, "expiring", s.old, bulkverify.StateCompleted)
	s.create(t, "staying", s.old, bulkverify.StateCompleted)
	r := &KeyRotator{Batches: expiringStore{storage.NewRetention(s.batches), "expiring"}, Keys: s.rotating, Stale: NewStaleKeysGauge(prometheus.NewRegistry()), Log: quietLog()}
	if err := r.Rotate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.batches.DataKey(ctx, "expiring"); !errors.Is(err, storage.ErrBatchNotFound) {
		t.Errorf("a batch that expired during the sweep: got %v, want no data key", err)
	}
	if !s.opensWith(t, "staying", s.after) {
		t.Error("the other batch was not re-wrapped")
	}
}

// Every worker runs the sweep: two at once swap each key once, and both
// results open.
func TestKeyRotationSweepsMayRunConcurrently(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newRotationSetup(t)
	for _, id := range []string{"a", "b", "c", "d"} {
		s.create(t, id, s.old, bulkverify.StateQueued)
	}
	errs := make(chan error, 2)
	for range 2 {
		go func() {
			r := &KeyRotator{Batches: storage.NewRetention(s.batches), Keys: s.rotating, Log: quietLog()}
			errs <- r.Rotate(ctx)
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{"a", "b", "c", "d"} {
		if !s.opensWith(t, id, s.after) {
			t.Errorf("batch %s does not open with the new key alone", id)
		}
	}
}
