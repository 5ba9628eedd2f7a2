package intake

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"io"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/batchcsv"
)

// maxDryRunProblems bounds the row problems a dry run lists.
const maxDryRunProblems = 100

// Submit dry-runs req's file, or stores, splits and queues it; under an
// Idempotency-Key, once per key and file. A file that cannot be accepted
// queues nothing.
func (s *Service) Submit(ctx context.Context, req bulkverify.SubmitRequest) (bulkverify.SubmitResult, error) {
	if req.ReadError == nil {
		req.ReadError = func(err error) error { return err }
	}
	switch {
	case req.DryRun:
		return s.dryRun(req)
	case req.IdempotencyKey != "":
		return s.submitOnce(ctx, req)
	}
	p, err := s.prepare(ctx, req, nil)
	if err != nil {
		return bulkverify.SubmitResult{}, err
	}
	b, err := s.create(ctx, p.batch, p.plan)
	return bulkverify.SubmitResult{Batch: b, IgnoredColumns: p.plan.Ignored}, err
}

// dryRun checks the file exactly as an upload would; nothing is stored.
func (s *Service) dryRun(req bulkverify.SubmitRequest) (bulkverify.SubmitResult, error) {
	o := s.splitOptions()
	o.MaxProblems, o.ClaimCheckers = maxDryRunProblems, s.claimCheckers()
	plan, err := batchcsv.Split(batchcsv.NormalizeNewlines(req.File), req.Spec, o)
	if err != nil {
		return bulkverify.SubmitResult{}, req.ReadError(err)
	}
	problems := make([]bulkverify.RowProblem, len(plan.Problems))
	for i, p := range plan.Problems {
		problems[i] = bulkverify.RowProblem(p)
	}
	return bulkverify.SubmitResult{DryRun: &bulkverify.DryRunReport{
		TotalRows: plan.TotalRows, RejectedRows: plan.RejectedRows, Duplicates: plan.Duplicates,
		Problems: problems, IgnoredColumns: append([]string{}, plan.Ignored...),
	}}, nil
}

// submitOnce is an upload under an Idempotency-Key: the key's batch is
// answered again for the same file, or the file becomes the key's batch.
// While it runs the upload holds the key on a lease it renews, so that
// should it die the key comes free within the lease.
func (s *Service) submitOnce(ctx context.Context, req bulkverify.SubmitRequest) (bulkverify.SubmitResult, error) {
	tenant, key := req.Tenant, req.IdempotencyKey
	b, c, err := s.claim(ctx, tenant, key)
	if err != nil {
		return bulkverify.SubmitResult{}, err
	}
	if c.BatchID != "" {
		return replay(req, b, c.SHA256)
	}
	stop := s.hold(ctx, tenant, key, c)
	defer stop()
	h := sha256.New()
	p, err := s.prepare(ctx, req, h)
	if err != nil {
		s.Idempotency.ReleaseIdempotencyKey(ctx, tenant, key, c)
		return bulkverify.SubmitResult{}, err
	}
	sum := hex.EncodeToString(h.Sum(nil))
	// From here on the client may hang up: the whole file is stored, and a
	// batch is never half created.
	ctx = context.WithoutCancel(ctx)
	if err := s.Idempotency.BindIdempotencyKey(ctx, tenant, key, c, p.batch.ID, sum); err != nil {
		s.deleteInput(ctx, p.batch.ID)
		return bulkverify.SubmitResult{}, lostClaim(err)
	}
	created, err := s.create(ctx, p.batch, p.plan)
	if err != nil {
		s.Idempotency.ReleaseIdempotencyKey(ctx, tenant, key, c)
		return bulkverify.SubmitResult{}, err
	}
	if err := s.Idempotency.ResolveIdempotencyKey(ctx, tenant, key, c, created.ID, sum); err != nil {
		s.Log.Error("store idempotency key", "request_id", created.ID, "tenant", tenant, "err", err)
	}
	return bulkverify.SubmitResult{Batch: created, IgnoredColumns: p.plan.Ignored}, nil
}

// claimAttempts bounds how often claim finds a gone batch and frees its
// key before it gives up.
const claimAttempts = 3

// claim takes tenant's key for this request, or finds the batch it
// produced. A key whose batch is gone (erased, past retention, or never
// created because its request died first) is free again.
func (s *Service) claim(ctx context.Context, tenant, key string) (bulkverify.Batch, bulkverify.IdempotencyClaim, error) {
	for range claimAttempts {
		c, err := s.Idempotency.ClaimIdempotencyKey(ctx, tenant, key)
		if errors.Is(err, bulkverify.ErrIdempotencyPending) {
			return bulkverify.Batch{}, c, bulkverify.Errorf(bulkverify.EConflict, "%s: retry in a few seconds", err)
		}
		if err != nil || c.BatchID == "" {
			return bulkverify.Batch{}, c, err
		}
		b, err := s.Batches.Get(ctx, c.BatchID)
		if bulkverify.ErrorCode(err) != bulkverify.ENotFound {
			return b, c, err
		}
		s.Idempotency.ReleaseIdempotencyKey(ctx, tenant, key, c)
	}
	return bulkverify.Batch{}, bulkverify.IdempotencyClaim{}, bulkverify.Errorf(bulkverify.EConflict, "%s: retry in a few seconds", bulkverify.ErrIdempotencyPending)
}

// lostClaim is the answer to an upload whose claim on its key ran out
// before it could create its batch: another request has the key now.
func lostClaim(err error) error {
	if errors.Is(err, bulkverify.ErrIdempotencyClaimLost) {
		return bulkverify.Errorf(bulkverify.EConflict, "%s (another request with the same Idempotency-Key took it over): nothing was created; retry to get that request's batch", err)
	}
	return err
}

// replay answers a request whose Idempotency-Key produced batch b: the
// same file (by SHA-256) gets the first batch back, another file a 409.
func replay(req bulkverify.SubmitRequest, b bulkverify.Batch, sha string) (bulkverify.SubmitResult, error) {
	h := sha256.New()
	if _, err := io.Copy(h, req.File); err != nil {
		return bulkverify.SubmitResult{}, req.ReadError(err)
	}
	if sha != "" && hex.EncodeToString(h.Sum(nil)) != sha {
		return bulkverify.SubmitResult{}, bulkverify.Errorf(bulkverify.EIdempotencyKeyReused,
			"this Idempotency-Key was used for batch %s with another file: use a new key for a new file", b.ID)
	}
	return bulkverify.SubmitResult{Batch: b, Replayed: true}, nil
}

// prepared is an upload whose file is stored and split: what creating
// its batch needs.
type prepared struct {
	batch bulkverify.Batch
	plan  batchcsv.Plan
}

// prepare stores and splits the uploaded file and reads what follows it.
// sum, when set, receives the file's bytes.
func (s *Service) prepare(ctx context.Context, req bulkverify.SubmitRequest, sum hash.Hash) (prepared, error) {
	src := req.File
	if sum != nil {
		src = io.TeeReader(src, sum)
	}
	id := newBatchID()
	o := s.splitOptions()
	o.SizeHint = req.Size
	plan, dataKey, err := s.storeAndSplit(ctx, id, batchcsv.NormalizeNewlines(src), req.Spec, o)
	opts := req.Options
	if err == nil && req.After != nil {
		var after *bulkverify.BatchOptions
		if after, err = req.After(ctx); after != nil {
			opts = *after
		}
	}
	if err != nil {
		s.deleteInput(ctx, id)
		return prepared{}, req.ReadError(err)
	}
	return prepared{plan: plan, batch: bulkverify.Batch{
		ID: id, Tenant: req.Tenant, Provider: req.Spec.Name, Metadata: opts.Metadata, CallbackURL: opts.CallbackURL,
		MaxFailureRate: opts.MaxFailureRate, DataKey: dataKey,
	}}, nil
}
