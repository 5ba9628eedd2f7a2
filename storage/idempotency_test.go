package storage

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/internal/redistest"
)

func TestIdempotencyKey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := NewIdempotency(redistest.Client(t))
	c, err := s.ClaimIdempotencyKey(ctx, "t", "k")
	if c.BatchID != "" || c.Token == "" || err != nil {
		t.Fatalf("first claim: got %+v, %v; want the claim", c, err)
	}
	if _, err := s.ClaimIdempotencyKey(ctx, "t", "k"); !errors.Is(err, bulkverify.ErrIdempotencyPending) {
		t.Errorf("claim while pending: got %v, want bulkverify.ErrIdempotencyPending", err)
	}
	if other, err := s.ClaimIdempotencyKey(ctx, "other-tenant", "k"); other.Token == "" || err != nil {
		t.Errorf("another tenant's claim of the same key: got %+v, %v; want the claim", other, err)
	}
	s.ReleaseIdempotencyKey(ctx, "t", "k", bulkverify.IdempotencyClaim{Token: "pending:someone-else"})
	if _, err := s.ClaimIdempotencyKey(ctx, "t", "k"); !errors.Is(err, bulkverify.ErrIdempotencyPending) {
		t.Errorf("a release with another claim freed the key: got %v", err)
	}
	s.ReleaseIdempotencyKey(ctx, "t", "k", c)
	c, err = s.ClaimIdempotencyKey(ctx, "t", "k")
	if c.BatchID != "" || c.Token == "" || err != nil {
		t.Errorf("claim after release: got %+v, %v; want the claim", c, err)
	}
	if err := s.ResolveIdempotencyKey(ctx, "t", "k", c, "batch-1", "abc123"); err != nil {
		t.Fatalf("resolve: %v", err)
	}
	got, err := s.ClaimIdempotencyKey(ctx, "t", "k")
	if got.BatchID != "batch-1" || got.SHA256 != "abc123" || err != nil {
		t.Errorf("claim after success: got %+v, %v; want batch-1 and its file's hash", got, err)
	}
	if err := s.RenewIdempotencyKey(ctx, "t", "k", got); !errors.Is(err, bulkverify.ErrIdempotencyClaimLost) {
		t.Errorf("renewing a record: got %v, want ErrIdempotencyClaimLost", err)
	}
	if ttl := s.rdb.PTTL(ctx, idemKey("t", "k")).Val(); ttl < 23*time.Hour {
		t.Errorf("a resolved key lives %v, want a day", ttl)
	}
}

// claimWithin claims key until the claim is the caller's, failing the
// test when it is still held by another after within.
func claimWithin(t *testing.T, s *Idempotency, key string, within time.Duration) (bulkverify.IdempotencyClaim, time.Duration) {
	t.Helper()
	start := time.Now()
	for {
		c, err := s.ClaimIdempotencyKey(context.Background(), "t", key)
		if err == nil {
			return c, time.Since(start)
		}
		if !errors.Is(err, bulkverify.ErrIdempotencyPending) {
			t.Fatalf("claim %s: %v", key, err)
		}
		if time.Since(start) > within {
			t.Fatalf("key %s still held after %v", key, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestIdempotencyClaimIsALease(t *testing.T) {
	t.Parallel()
	const lease = 400 * time.Millisecond
	ctx := context.Background()
	newStore := func(t *testing.T) *Idempotency {
		s := NewIdempotency(redistest.Client(t))
		s.Lease = lease
		return s
	}
	t.Run("a claim nobody renews frees its key within the lease", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		dead, _ := claimWithin(t, s, "k", 0)
		again, after := claimWithin(t, s, "k", lease+time.Second)
		if again.Token == "" || again.Token == dead.Token || again.BatchID != "" {
			t.Errorf("got %+v after %v, want a new claim", again, after)
		}
		if after > lease+300*time.Millisecond {
			t.Errorf("the key came free after %v, want within the lease of %v", after, lease)
		}
		if err := s.RenewIdempotencyKey(ctx, "t", "k", dead); !errors.Is(err, bulkverify.ErrIdempotencyClaimLost) {
			t.Errorf("the dead claim's renewal: got %v, want ErrIdempotencyClaimLost", err)
		}
		if err := s.BindIdempotencyKey(ctx, "t", "k", dead, "b1", "sha"); !errors.Is(err, bulkverify.ErrIdempotencyClaimLost) {
			t.Errorf("the dead claim's bind: got %v, want ErrIdempotencyClaimLost", err)
		}
	})
	t.Run("a renewed claim keeps its key past many leases", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		c, _ := claimWithin(t, s, "k", 0)
		start := time.Now()
		for time.Since(start) < 4*lease {
			if err := s.RenewIdempotencyKey(ctx, "t", "k", c); err != nil {
				t.Fatalf("renew after %v: %v", time.Since(start), err)
			}
			if _, err := s.ClaimIdempotencyKey(ctx, "t", "k"); !errors.Is(err, bulkverify.ErrIdempotencyPending) {
				t.Fatalf("claim after %v of renewals: got %v, want ErrIdempotencyPending", time.Since(start), err)
			}
			time.Sleep(lease / 4) // the renewal period: what the test is about
		}
	})
	t.Run("a claim whose holder died once bound answers its batch", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		c, _ := claimWithin(t, s, "k", 0)
		if err := s.BindIdempotencyKey(ctx, "t", "k", c, "b1", "abc"); err != nil {
			t.Fatal(err)
		}
		var found bulkverify.IdempotencyClaim
		waitFor := time.Now().Add(lease + time.Second)
		for {
			var err error
			found, err = s.ClaimIdempotencyKey(ctx, "t", "k")
			if err == nil || time.Now().After(waitFor) {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if found.BatchID != "b1" || found.SHA256 != "abc" {
			t.Fatalf("got %+v, want batch b1 and its file's hash", found)
		}
		s.ReleaseIdempotencyKey(ctx, "t", "k", found) // the batch never came to be
		if fresh, _ := claimWithin(t, s, "k", 0); fresh.BatchID != "" || fresh.Token == "" {
			t.Errorf("after releasing the gone batch: got %+v, want a new claim", fresh)
		}
	})
}
