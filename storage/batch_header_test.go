package storage

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify"
)

// A batch's header is stored once, beside its state, however many chunks
// it has: the chunk payloads do not carry it, and a worker reads it with
// the data key in one round trip.
func TestTheHeaderIsStoredOncePerBatch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newBatches(t)
	header := []string{"reference_id", "access_token", "doctype"}
	payloads := [][]byte{[]byte("p0"), []byte("p1"), []byte("p2")}
	if err := s.Create(ctx, bulkverify.Batch{ID: "b1", Tenant: "t", Provider: "digilocker", TotalRows: 3, Chunks: 3, CreatedAt: time.Now(), DataKey: "wrapped", Header: header}, 1, payloads); err != nil {
		t.Fatal(err)
	}
	if err := s.Create(ctx, bulkverify.Batch{ID: "old", Tenant: "t", Provider: "digilocker", TotalRows: 1, Chunks: 1, CreatedAt: time.Now(), DataKey: "wrapped-old"}, 1, payloads[:1]); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, id   string
		wantKey    string
		wantHeader []string
		wantErr    error
	}{
		{"a batch gives its data key and header", "b1", "wrapped", header, nil},
		{"a batch stored without a header gives its data key alone", "old", "wrapped-old", nil, nil},
		{"an unknown batch is not found", "nope", "", nil, ErrBatchNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for read := range 2 { // from Redis, then remembered
				key, got, err := s.Input(ctx, tt.id)
				if !errors.Is(err, tt.wantErr) || key != tt.wantKey || !slices.Equal(got, tt.wantHeader) {
					t.Errorf("read %d: got %q, %v, %v; want %q, %v, %v", read+1, key, got, err, tt.wantKey, tt.wantHeader, tt.wantErr)
				}
			}
		})
	}
	t.Run("the header is one key, and no payload holds it", func(t *testing.T) {
		plan, err := chunksOf(s).ChunkPayloads(ctx, "b1")
		if err != nil || len(plan) != 3 {
			t.Fatalf("got %d payloads (%v), want 3", len(plan), err)
		}
		keys, err := s.rdb.Keys(ctx, KeyPrefix+"batch:{b1}:header").Result()
		if err != nil || len(keys) != 1 {
			t.Errorf("got header keys %v (%v), want one", keys, err)
		}
		if ttl := s.rdb.TTL(ctx, headerKey("b1")).Val(); ttl <= 0 {
			t.Errorf("got TTL %v on the header, want it to expire with the batch's state", ttl)
		}
	})
	t.Run("erasing the batch erases its header", func(t *testing.T) {
		b, err := s.Get(ctx, "b1")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Cancel(ctx, "b1"); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkFinished(ctx, "b1", bulkverify.StateCancelled, bulkverify.ChunkCounts{}); err != nil {
			t.Fatal(err)
		}
		if err := s.Erase(ctx, b); err != nil {
			t.Fatal(err)
		}
		if n := s.rdb.Exists(ctx, headerKey("b1")).Val(); n != 0 {
			t.Errorf("the header outlived its erased batch")
		}
		if _, _, err := s.Input(ctx, "b1"); !errors.Is(err, ErrBatchNotFound) || !strings.Contains(err.Error(), "b1") {
			t.Errorf("input of an erased batch: got %v, want ErrBatchNotFound", err)
		}
	})
}
