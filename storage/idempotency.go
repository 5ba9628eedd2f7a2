package storage

import (
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/bulkverify/bulkverify"
)

// idemPending prefixes the claim of an Idempotency-Key whose request is
// still running; then come the claimant's nonce and its lease's deadline
// (see claim_key.lua).
const idemPending = "pending:"

// IdempotencyLease is how long a claim on an Idempotency-Key outlives its
// last renewal: the request holding it renews it every few seconds, so a
// request that died frees its key within this.
const IdempotencyLease = 10 * time.Second

// idemRecordTTL is how long a key is kept once it produced a batch (or
// was bound to the batch it was making).
const idemRecordTTL = 24 * time.Hour

// Idempotency keeps the Idempotency-Keys of uploads in Redis: a claim on
// a short lease while the request runs, then the batch it produced, for a
// day.
type Idempotency struct {
	rdb redis.UniversalClient
	// Lease is how long a claim lives without renewal (IdempotencyLease
	// unless a test shortens it).
	Lease time.Duration
}

// NewIdempotency returns an Idempotency over rdb.
func NewIdempotency(rdb redis.UniversalClient) *Idempotency {
	return &Idempotency{rdb: rdb, Lease: IdempotencyLease}
}

//go:embed claim_key.lua
var claimKeyLua string

var claimKeyScript = newScript[claimKeyArgs](claimKeyLua)

// claimKeyArgs claim tenant's Idempotency-Key key with nonce for lease.
type claimKeyArgs struct {
	tenant, key, nonce string
	lease              time.Duration
}

func (a claimKeyArgs) keysArgs() ([]string, []any) {
	return []string{idemKey(a.tenant, a.key)}, []any{idemPending, a.nonce, a.lease.Milliseconds()}
}

// ClaimIdempotencyKey claims key for tenant. When an earlier request with
// the key created a batch (or died creating one) it returns that batch's
// id and file's SHA-256; otherwise the caller holds the key for Lease,
// which RenewIdempotencyKey extends. A key held by a live request gives
// bulkverify.ErrIdempotencyPending.
func (s *Idempotency) ClaimIdempotencyKey(ctx context.Context, tenant, key string) (bulkverify.IdempotencyClaim, error) {
	var nonce [8]byte
	rand.Read(nonce[:])
	res, err := claimKeyScript.Run(ctx, s.rdb, claimKeyArgs{tenant: tenant, key: key, nonce: hex.EncodeToString(nonce[:]), lease: s.Lease}).Slice()
	if err != nil {
		return bulkverify.IdempotencyClaim{}, fmt.Errorf("claim idempotency key: %w", err)
	}
	switch {
	case len(res) == 3:
		id, sha, _ := strings.Cut(fmt.Sprint(res[1]), ":")
		return bulkverify.IdempotencyClaim{BatchID: id, SHA256: sha, Token: fmt.Sprint(res[2])}, nil
	case len(res) == 2:
		return bulkverify.IdempotencyClaim{Token: fmt.Sprint(res[1])}, nil
	default:
		return bulkverify.IdempotencyClaim{}, bulkverify.ErrIdempotencyPending
	}
}

//go:embed renew_claim.lua
var renewClaimLua string

var renewClaimScript = newScript[renewClaimArgs](renewClaimLua)

// renewClaimArgs renew claim token of tenant's key for lease and, when
// bound is not empty (id:sha), bind it to that batch.
type renewClaimArgs struct {
	tenant, key, token, bound string
	lease                     time.Duration
}

func (a renewClaimArgs) keysArgs() ([]string, []any) {
	return []string{idemKey(a.tenant, a.key)}, []any{a.token, a.lease.Milliseconds(), a.bound, idemRecordTTL.Milliseconds()}
}

// RenewIdempotencyKey extends claim c's lease by Lease. It returns
// bulkverify.ErrIdempotencyClaimLost when c no longer holds the key.
func (s *Idempotency) RenewIdempotencyKey(ctx context.Context, tenant, key string, c bulkverify.IdempotencyClaim) error {
	return s.renew(ctx, renewClaimArgs{tenant: tenant, key: key, token: c.Token, lease: s.Lease})
}

// BindIdempotencyKey records in claim c that it makes batch id from a
// file whose SHA-256 is sha; the bound claim is kept a day, so that a
// retry after its holder died gets that batch. It returns
// bulkverify.ErrIdempotencyClaimLost when c no longer holds the key.
func (s *Idempotency) BindIdempotencyKey(ctx context.Context, tenant, key string, c bulkverify.IdempotencyClaim, id, sha string) error {
	return s.renew(ctx, renewClaimArgs{tenant: tenant, key: key, token: c.Token, bound: id + ":" + sha, lease: s.Lease})
}

func (s *Idempotency) renew(ctx context.Context, a renewClaimArgs) error {
	held, err := renewClaimScript.Run(ctx, s.rdb, a).Int()
	if err != nil {
		return fmt.Errorf("renew idempotency key: %w", err)
	}
	if held == 0 {
		return bulkverify.ErrIdempotencyClaimLost
	}
	return nil
}

//go:embed resolve_claim.lua
var resolveClaimLua string

var resolveClaimScript = newScript[resolveClaimArgs](resolveClaimLua)

// resolveClaimArgs turn claim token of tenant's key into the record of
// batch id made from a file whose SHA-256 is sha.
type resolveClaimArgs struct{ tenant, key, token, id, sha string }

func (a resolveClaimArgs) keysArgs() ([]string, []any) {
	return []string{idemKey(a.tenant, a.key)}, []any{a.token, a.id + ":" + a.sha, idemRecordTTL.Milliseconds()}
}

// ResolveIdempotencyKey turns claim c into the record that key produced
// batch id from a file whose SHA-256 is sha (hex), kept for a day. It
// returns bulkverify.ErrIdempotencyClaimLost when c no longer holds the
// key.
func (s *Idempotency) ResolveIdempotencyKey(ctx context.Context, tenant, key string, c bulkverify.IdempotencyClaim, id, sha string) error {
	held, err := resolveClaimScript.Run(ctx, s.rdb, resolveClaimArgs{tenant: tenant, key: key, token: c.Token, id: id, sha: sha}).Int()
	if err != nil {
		return fmt.Errorf("store idempotency key: %w", err)
	}
	if held == 0 {
		return bulkverify.ErrIdempotencyClaimLost
	}
	return nil
}

//go:embed release_claim.lua
var releaseClaimLua string

var releaseClaimScript = newScript[releaseClaimArgs](releaseClaimLua)

// releaseClaimArgs drop tenant's Idempotency-Key key if token holds it.
type releaseClaimArgs struct{ tenant, key, token string }

func (a releaseClaimArgs) keysArgs() ([]string, []any) {
	return []string{idemKey(a.tenant, a.key)}, []any{a.token}
}

// ReleaseIdempotencyKey frees the key held by claim c (a request that
// failed, or a record whose batch is gone), so the client can retry with
// the same key; another request's claim is left alone.
func (s *Idempotency) ReleaseIdempotencyKey(ctx context.Context, tenant, key string, c bulkverify.IdempotencyClaim) {
	releaseClaimScript.Run(context.WithoutCancel(ctx), s.rdb, releaseClaimArgs{tenant: tenant, key: key, token: c.Token})
}
