package intake

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/batchcsv"
	"github.com/bulkverify/bulkverify/jobs"
)

func newBatchID() string { return strings.ReplaceAll(uuid.NewString(), "-", "") }

// TargetChunks is about how many chunks a big batch is cut into: past
// twice as many of BV_CHUNK_SIZE rows, chunks double, up to eight times
// that size (see batchcsv.Options.TargetChunks). A 200,000-row batch runs
// in 500 chunks of 400 rows instead of 2,000 of 100: a fifth of the S3
// requests, tasks and scripts, which took a fifth of a worker's CPU.
const TargetChunks = 400

// splitOptions are the options every split of an upload starts from: the
// chunk size and the intake limits.
func (s *Service) splitOptions() batchcsv.Options {
	return batchcsv.Options{ChunkSize: s.ChunkSize, TargetChunks: TargetChunks, MaxChunks: s.MaxChunks, MaxColumns: s.MaxColumns,
		MaxHeaderBytes: batchcsv.MaxHeaderBytes, MaxLineBytes: s.MaxLineBytes, MaxRows: s.MaxRows}
}

// claimCheckers names, for each claim column, the providers that check
// it, for the message that refuses it elsewhere.
func (s *Service) claimCheckers() map[string][]string {
	out := map[string][]string{}
	for _, name := range slices.Sorted(maps.Keys(s.Specs)) {
		for _, c := range s.Specs[name].Claims {
			out[c] = append(out[c], name)
		}
	}
	return out
}

// storeAndSplit seals and uploads src as the batch's input while Split
// reads the same bytes, and returns the plan and the input's wrapped data
// key. If the file is rejected the upload is abandoned and deleted.
func (s *Service) storeAndSplit(ctx context.Context, id string, src io.Reader, spec bulkverify.Spec, opts batchcsv.Options) (batchcsv.Plan, string, error) {
	pr, pw := io.Pipe()
	uploaded := make(chan error, 1)
	var dataKey string
	go func() {
		var err error
		dataKey, err = s.Files.PutInput(ctx, id, pr)
		pr.CloseWithError(errors.Join(err, io.ErrClosedPipe))
		uploaded <- err
	}()
	opts.ClaimCheckers = s.claimCheckers()
	plan, err := batchcsv.Split(io.TeeReader(src, pw), spec, opts)
	if err == nil {
		_, err = io.Copy(pw, src) // whatever follows the last record
	}
	pw.CloseWithError(err)
	upErr := <-uploaded
	if err == nil && upErr != nil {
		err = fmt.Errorf("store input: %w", upErr)
	}
	if err != nil {
		s.deleteInput(ctx, id)
		return batchcsv.Plan{}, "", err
	}
	return plan, dataKey, nil
}

func (s *Service) deleteInput(ctx context.Context, id string) {
	if err := s.Files.DeleteInput(context.WithoutCancel(ctx), id); err != nil {
		s.Log.Warn("delete rejected input", "request_id", id, "err", err)
	}
}

// create records a batch whose input is stored and queues its first
// chunks. It returns the batch as stored.
func (s *Service) create(ctx context.Context, b bulkverify.Batch, plan batchcsv.Plan) (bulkverify.Batch, error) {
	// The whole file is stored: finish even if the client hangs up now, so
	// that a batch is never half created.
	ctx = context.WithoutCancel(ctx)
	b.State, b.CreatedAt = bulkverify.StateQueued, s.now()
	b.TotalRows, b.RejectedRows, b.Duplicates, b.Chunks = plan.TotalRows, plan.RejectedRows, plan.Duplicates, len(plan.Chunks)
	b.Header = plan.Header // stored once: the chunks' payloads do not carry it
	payloads := make([][]byte, len(plan.Chunks))
	for i, c := range plan.Chunks {
		payloads[i] = jobs.EncodeVerifyChunk(jobs.VerifyChunk{BatchID: b.ID, Tenant: b.Tenant, Provider: b.Provider, Chunk: c})
	}
	if err := s.Batches.Create(ctx, b, s.window(b.Tenant), payloads); err != nil {
		return bulkverify.Batch{}, err
	}
	// The batch is stored: from here on it is the sweeper's to finish if
	// this release fails.
	if _, err := s.Feeder.Release(ctx, b.ID); err != nil {
		s.Log.Warn("release first chunks; the sweeper will retry", "request_id", b.ID, "tenant", b.Tenant, "err", err)
	}
	s.Log.Info("batch accepted", "request_id", b.ID, "tenant", b.Tenant, "provider", b.Provider, "parent", b.ParentID,
		"rows", plan.TotalRows, "rejected", plan.RejectedRows, "duplicates", plan.Duplicates, "chunks", len(plan.Chunks))
	return b, nil
}

// window returns how many chunks of a tenant's batch may be queued at
// once: the base window times the tenant's weight.
func (s *Service) window(tenant string) int {
	w := s.BatchWindow
	if weight, ok := s.TenantWeights[tenant]; ok {
		w *= weight
	}
	return max(w, 1)
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}
