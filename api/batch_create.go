package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/jobs"
	"github.com/bulkverify/bulkverify/storage"
)

// batchAccepted is the data of a 202 answer to a batch upload.
type batchAccepted struct {
	RequestID    string           `json:"request_id"`
	State        bulkverify.State `json:"state"`
	Provider     string           `json:"product_id"`
	TotalRows    int              `json:"total_rows"`
	RejectedRows int              `json:"rejected_rows"`
	Chunks       int              `json:"chunks"`
}

// handleBatchCreate accepts a CSV upload: it streams the file to S3 while
// checking and splitting it, and queues its chunks only once the whole file
// has been read and stored. A file that cannot be accepted queues nothing.
func (s *Server) handleBatchCreate(w http.ResponseWriter, r *http.Request) {
	ctx, tenant := r.Context(), tenantFrom(r.Context())
	provider := strings.ToLower(strings.TrimSpace(r.URL.Query().Get("provider")))
	spec, ok := bulkverify.Specs[provider]
	if !ok {
		s.writeError(w, r, bulkverify.Errorf(bulkverify.EInvalidProvider,
			"provider %q is not known: pass ?provider= one of %s", provider, strings.Join(bulkverify.ProviderNames(), ", ")))
		return
	}
	if !slices.Contains(s.Providers, provider) {
		s.writeError(w, r, bulkverify.Errorf(bulkverify.EInvalidProvider,
			"provider %q is not enabled on this service (enabled: %s): set its BV_%s_BASE_URL and credentials", provider, strings.Join(s.Providers, ", "), strings.ToUpper(provider)))
		return
	}
	key := strings.TrimSpace(r.Header.Get("Idempotency-Key"))
	var claim string
	if key != "" {
		id, c, err := s.Batches.ClaimIdempotencyKey(ctx, tenant, key)
		claim = c
		if errors.Is(err, storage.ErrIdempotencyPending) {
			s.writeError(w, r, bulkverify.Errorf(bulkverify.EConflict, "%s: retry in a few seconds", err))
			return
		}
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if id != "" {
			s.replyExisting(w, r, id)
			return
		}
	}
	accepted, err := s.intake(ctx, w, r, tenant, spec)
	if err != nil {
		if key != "" {
			s.Batches.ReleaseIdempotencyKey(ctx, tenant, key, claim)
		}
		s.writeError(w, r, err)
		return
	}
	if key != "" {
		if err := s.Batches.ResolveIdempotencyKey(context.WithoutCancel(ctx), tenant, key, accepted.RequestID); err != nil {
			s.Log.Error("store idempotency key", "err", err)
		}
	}
	s.writeOK(w, http.StatusAccepted, "batch accepted", accepted)
}

func (s *Server) replyExisting(w http.ResponseWriter, r *http.Request, id string) {
	b, err := s.Batches.Get(r.Context(), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeOK(w, http.StatusAccepted, "batch already accepted for this Idempotency-Key", batchAccepted{
		RequestID: b.ID, State: b.State, Provider: b.Provider, TotalRows: b.TotalRows, RejectedRows: b.RejectedRows, Chunks: b.Chunks,
	})
}

func (s *Server) intake(ctx context.Context, w http.ResponseWriter, r *http.Request, tenant string, spec bulkverify.Spec) (batchAccepted, error) {
	r.Body = http.MaxBytesReader(w, r.Body, s.MaxUploadBytes)
	src, err := uploadedFile(r)
	if err != nil {
		return batchAccepted{}, s.uploadError(err)
	}
	id := strings.ReplaceAll(uuid.NewString(), "-", "")
	plan, err := s.storeAndSplit(ctx, id, src, spec)
	if err != nil {
		return batchAccepted{}, s.uploadError(err)
	}
	// The whole file is stored: finish even if the client hangs up now, so
	// that a batch is never half created.
	ctx = context.WithoutCancel(ctx)
	b := bulkverify.Batch{
		ID: id, Tenant: tenant, Provider: spec.Name, State: bulkverify.StateQueued,
		TotalRows: plan.TotalRows, RejectedRows: plan.RejectedRows, Chunks: len(plan.Chunks), CreatedAt: s.Now(),
	}
	payloads := make([][]byte, len(plan.Chunks))
	for i, c := range plan.Chunks {
		payloads[i] = jobs.EncodeVerifyChunk(jobs.VerifyChunk{BatchID: id, Provider: spec.Name, Header: plan.Header, Chunk: c})
	}
	if err := s.Batches.Create(ctx, b, s.window(tenant), payloads); err != nil {
		return batchAccepted{}, err
	}
	// The batch is stored: from here on it is the sweeper's to finish if
	// this release fails.
	if _, err := s.Feeder.Release(ctx, id); err != nil {
		s.Log.Warn("release first chunks; the sweeper will retry", "batch", id, "err", err)
	}
	s.Metrics.Rows.WithLabelValues(spec.Name, "true").Add(float64(plan.TotalRows - plan.RejectedRows))
	s.Metrics.Rows.WithLabelValues(spec.Name, "false").Add(float64(plan.RejectedRows))
	s.Log.Info("batch accepted", "batch", id, "tenant", tenant, "provider", spec.Name,
		"rows", plan.TotalRows, "rejected", plan.RejectedRows, "chunks", len(plan.Chunks))
	return batchAccepted{RequestID: id, State: b.State, Provider: b.Provider, TotalRows: b.TotalRows, RejectedRows: b.RejectedRows, Chunks: b.Chunks}, nil
}

// storeAndSplit uploads src to the batch's input key while Split reads the
// same bytes. If the file is rejected the upload is abandoned and deleted.
func (s *Server) storeAndSplit(ctx context.Context, id string, src io.Reader, spec bulkverify.Spec) (jobs.Plan, error) {
	pr, pw := io.Pipe()
	uploaded := make(chan error, 1)
	go func() {
		err := s.Files.Upload(ctx, storage.InputKey(id), pr)
		pr.CloseWithError(errors.Join(err, io.ErrClosedPipe))
		uploaded <- err
	}()
	plan, err := jobs.Split(io.TeeReader(src, pw), spec, s.ChunkSize)
	if err == nil {
		_, err = io.Copy(pw, src) // whatever follows the last record
	}
	pw.CloseWithError(err)
	upErr := <-uploaded
	if err == nil && upErr != nil {
		err = fmt.Errorf("store input: %w", upErr)
	}
	if err != nil {
		if derr := s.Files.Delete(context.WithoutCancel(ctx), storage.InputKey(id)); derr != nil {
			s.Log.Warn("delete rejected input", "batch", id, "err", derr)
		}
		return jobs.Plan{}, err
	}
	return plan, nil
}

// window returns how many chunks of a tenant's batch may be queued at
// once: the base window times the tenant's weight.
func (s *Server) window(tenant string) int {
	w := s.BatchWindow
	if weight, ok := s.TenantWeights[tenant]; ok {
		w *= weight
	}
	return max(w, 1)
}

// uploadedFile returns the CSV of a multipart upload's "file" field, or the
// raw body.
func uploadedFile(r *http.Request) (io.Reader, error) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		return r.Body, nil
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, bulkverify.Errorf(bulkverify.EInvalidFile, "the multipart body cannot be read (%v): send the CSV in a form field named file", err)
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return nil, bulkverify.Errorf(bulkverify.EInvalidFile, "the multipart body has no field named file: send the CSV as -F file=@batch.csv")
		}
		if err != nil {
			return nil, fmt.Errorf("read multipart body: %w", err)
		}
		if part.FormName() == "file" {
			return part, nil
		}
	}
}

// uploadError turns a body that is too big or broken into a user error.
func (s *Server) uploadError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return bulkverify.Errorf(bulkverify.EFileTooLarge, "the upload is larger than %d MiB: split the file into smaller batches", s.MaxUploadBytes>>20)
	}
	var ue *bulkverify.Error
	if errors.As(err, &ue) {
		return ue
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return bulkverify.Errorf(bulkverify.EInvalidFile, "the upload ended before the file did (the connection dropped, or a multipart body lacks its closing boundary): send the file again")
	}
	return err
}
