package storage

import (
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/bulkverify/bulkverify"
)

// idemPending prefixes the claim of an Idempotency-Key whose request is
// still running; the rest is the claimant's nonce.
const idemPending = "pending:"

// idemClaimTTL bounds how long a claim outlives a request that died; it
// covers the longest upload.
const idemClaimTTL = time.Hour

// Idempotency keeps the Idempotency-Keys of uploads in Redis: a claim
// while the request runs, then the batch it produced, for a day.
type Idempotency struct{ rdb redis.UniversalClient }

// NewIdempotency returns an Idempotency over rdb.
func NewIdempotency(rdb redis.UniversalClient) *Idempotency { return &Idempotency{rdb: rdb} }

// ClaimIdempotencyKey claims key for tenant. It returns the batch id and
// the SHA-256 of its file when an earlier request with the key succeeded;
// otherwise a claim that the caller must pass to Resolve or Release. A key
// claimed by a running request gives bulkverify.ErrIdempotencyPending.
func (s *Idempotency) ClaimIdempotencyKey(ctx context.Context, tenant, key string) (id, sha, claim string, err error) {
	k := idemKey(tenant, key)
	var nonce [8]byte
	rand.Read(nonce[:])
	claim = idemPending + hex.EncodeToString(nonce[:])
	ok, err := s.rdb.SetNX(ctx, k, claim, idemClaimTTL).Result()
	if err != nil {
		return "", "", "", fmt.Errorf("claim idempotency key: %w", err)
	}
	if ok {
		return "", "", claim, nil
	}
	v, err := s.rdb.Get(ctx, k).Result()
	if errors.Is(err, redis.Nil) {
		return s.ClaimIdempotencyKey(ctx, tenant, key)
	}
	if err != nil {
		return "", "", "", fmt.Errorf("read idempotency key: %w", err)
	}
	if strings.HasPrefix(v, idemPending) {
		return "", "", "", bulkverify.ErrIdempotencyPending
	}
	id, sha, _ = strings.Cut(v, ":")
	return id, sha, "", nil
}

// ResolveIdempotencyKey records that key produced batch id from a file
// whose SHA-256 is sha (hex).
func (s *Idempotency) ResolveIdempotencyKey(ctx context.Context, tenant, key, id, sha string) error {
	if err := s.rdb.Set(ctx, idemKey(tenant, key), id+":"+sha, 24*time.Hour).Err(); err != nil {
		return fmt.Errorf("store idempotency key: %w", err)
	}
	return nil
}

//go:embed release_claim.lua
var releaseClaimLua string

var releaseClaimScript = newScript[releaseClaimArgs](releaseClaimLua)

// releaseClaimArgs drop tenant's Idempotency-Key key if claim holds it.
type releaseClaimArgs struct{ tenant, key, claim string }

func (a releaseClaimArgs) keysArgs() ([]string, []any) {
	return []string{idemKey(a.tenant, a.key)}, []any{a.claim}
}

// ReleaseIdempotencyKey forgets the claim of a request that failed, so the
// client can retry with the same key; another request's claim is left alone.
func (s *Idempotency) ReleaseIdempotencyKey(ctx context.Context, tenant, key, claim string) {
	releaseClaimScript.Run(context.WithoutCancel(ctx), s.rdb, releaseClaimArgs{tenant: tenant, key: key, claim: claim})
}
