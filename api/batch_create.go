package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/batchcsv"
	"github.com/bulkverify/bulkverify/jobs"
)

// batchAccepted is the data of a 202 answer to a batch upload.
type batchAccepted struct {
	RequestID    string           `json:"request_id"`
	State        bulkverify.State `json:"state"`
	Provider     string           `json:"product_id"`
	TotalRows    int              `json:"total_rows"`
	RejectedRows int              `json:"rejected_rows"`
	Duplicates   int              `json:"duplicates"`
	Chunks       int              `json:"chunks"`
	ParentID     string           `json:"parent_request_id,omitempty"`
	// IgnoredColumns are the file's columns the provider does not read
	// (absent from the answer to a replayed Idempotency-Key).
	IgnoredColumns []string `json:"ignored_columns,omitempty"`
}

// dryRunReport is the data of a dry run's 200 answer.
type dryRunReport struct {
	DryRun       bool                  `json:"dry_run"`
	Provider     string                `json:"product_id"`
	TotalRows    int                   `json:"total_rows"`
	RejectedRows int                   `json:"rejected_rows"`
	Duplicates   int                   `json:"duplicates"`
	Problems     []batchcsv.RowProblem `json:"problems"`
	// IgnoredColumns are the file's columns the provider does not read.
	IgnoredColumns []string `json:"ignored_columns"`
}

// maxDryRunProblems bounds the row problems a dry run lists.
const maxDryRunProblems = 100

// fileFields are the multipart fields that may hold the CSV: ours and
// Deepvue's.
var fileFields = []string{"file", "batch_file"}

// handleBatchCreate accepts a CSV upload on POST /v1/verification/batch.
func (s *Server) handleBatchCreate(w http.ResponseWriter, r *http.Request) {
	provider := strings.ToLower(strings.TrimSpace(r.URL.Query().Get("provider")))
	res, err := s.upload(w, r, provider)
	switch {
	case err != nil:
		s.writeError(w, r, err)
	case res.dryRun != nil:
		s.writeOK(w, http.StatusOK, "dry run: nothing was stored or queued", res.dryRun)
	case res.replayed:
		s.writeOK(w, http.StatusAccepted, "batch already accepted for this Idempotency-Key", res.accepted)
	default:
		s.writeOK(w, http.StatusAccepted, "batch accepted", res.accepted)
	}
}

// deepvueCreated is Deepvue's answer to a bulk upload, word for word.
type deepvueCreated struct {
	Code            int    `json:"code"`
	Timestamp       int64  `json:"timestamp"`
	TransactionID   string `json:"transaction_id"`
	RequestID       string `json:"request_id"`
	Message         string `json:"message"`
	SubCode         string `json:"sub_code"`
	OutputBatchFile string `json:"output_batch_file"`
}

// handleDeepvueBatchCreate is Deepvue's upload shape, POST
// /v1/verification/{provider}/batch with the CSV in batch_file (or file):
// the same intake, answered with Deepvue's 201 body so that a Deepvue
// client switches host and keys only.
func (s *Server) handleDeepvueBatchCreate(w http.ResponseWriter, r *http.Request) {
	res, err := s.upload(w, r, strings.ToLower(r.PathValue("provider")))
	switch {
	case err != nil:
		s.writeError(w, r, err)
	case res.dryRun != nil:
		s.writeOK(w, http.StatusOK, "dry run: nothing was stored or queued", res.dryRun)
	default:
		writeJSON(w, http.StatusCreated, deepvueCreated{
			Code: http.StatusCreated, Timestamp: s.Now().UnixMilli(), TransactionID: newTransactionID(),
			RequestID: res.accepted.RequestID, Message: "batch processing in progress", SubCode: "SUCCESS",
		})
	}
}

type uploadResult struct {
	accepted batchAccepted
	replayed bool
	dryRun   *dryRunReport
}

// upload is the one intake behind both upload routes: it checks the
// provider and options, then dry-runs the file or stores, splits and
// queues it. A file that cannot be accepted queues nothing.
func (s *Server) upload(w http.ResponseWriter, r *http.Request, provider string) (uploadResult, error) {
	ctx, tenant := r.Context(), tenantFrom(r.Context())
	spec, err := s.spec(provider)
	if err != nil {
		return uploadResult{}, err
	}
	if err := s.providerAllowed(tenant, spec.Name); err != nil {
		return uploadResult{}, err
	}
	release, err := s.acquireUpload(w, tenant)
	if err != nil {
		return uploadResult{}, err
	}
	defer release()
	s.guardBody(w, r)
	form, err := openUpload(r)
	if err != nil {
		return uploadResult{}, s.uploadError(err)
	}
	opts, err := s.parseOptions(ctx, form.fields)
	if err != nil {
		return uploadResult{}, err
	}
	if opts.DryRun {
		return s.dryRun(form, spec)
	}
	key := strings.TrimSpace(r.Header.Get("Idempotency-Key"))
	if key == "" {
		acc, err := s.intake(ctx, form, tenant, spec, opts, nil)
		return uploadResult{accepted: acc}, err
	}
	return s.uploadOnce(ctx, form, tenant, key, spec, opts)
}

// dryRun checks the file exactly as an upload would; nothing is stored.
func (s *Server) dryRun(form *uploadForm, spec bulkverify.Spec) (uploadResult, error) {
	o := s.splitOptions()
	o.MaxProblems, o.ClaimCheckers = maxDryRunProblems, s.claimCheckers()
	plan, err := batchcsv.Split(batchcsv.NormalizeNewlines(form.file), spec, o)
	if err != nil {
		return uploadResult{}, s.uploadError(err)
	}
	return uploadResult{dryRun: &dryRunReport{
		DryRun: true, Provider: spec.Name, TotalRows: plan.TotalRows, RejectedRows: plan.RejectedRows,
		Duplicates: plan.Duplicates, Problems: append([]batchcsv.RowProblem{}, plan.Problems...),
		IgnoredColumns: append([]string{}, plan.Ignored...),
	}}, nil
}

// uploadOnce is an upload under an Idempotency-Key: the key's first batch
// is answered again for the same file, or the file becomes the key's batch.
func (s *Server) uploadOnce(ctx context.Context, form *uploadForm, tenant, key string, spec bulkverify.Spec, opts uploadOptions) (uploadResult, error) {
	id, sha, claim, err := s.Idempotency.ClaimIdempotencyKey(ctx, tenant, key)
	if errors.Is(err, bulkverify.ErrIdempotencyPending) {
		return uploadResult{}, bulkverify.Errorf(bulkverify.EConflict, "%s: retry in a few seconds", err)
	}
	if err != nil {
		return uploadResult{}, err
	}
	if id != "" {
		b, err := s.Batches.Get(ctx, id)
		if bulkverify.ErrorCode(err) != bulkverify.ENotFound {
			if err != nil {
				return uploadResult{}, err
			}
			acc, err := s.replay(form, b, sha)
			return uploadResult{accepted: acc, replayed: true}, err
		}
		// The key's batch is gone (erased or past retention): the key
		// is free again.
	}
	h := sha256.New()
	acc, err := s.intake(ctx, form, tenant, spec, opts, h)
	if err != nil {
		s.Idempotency.ReleaseIdempotencyKey(ctx, tenant, key, claim)
		return uploadResult{}, err
	}
	if err := s.Idempotency.ResolveIdempotencyKey(context.WithoutCancel(ctx), tenant, key, acc.RequestID, hex.EncodeToString(h.Sum(nil))); err != nil {
		s.Log.Error("store idempotency key", "err", err)
	}
	return uploadResult{accepted: acc}, nil
}

func (s *Server) spec(provider string) (bulkverify.Spec, error) {
	spec, ok := s.Specs[provider]
	if !ok {
		return spec, bulkverify.Errorf(bulkverify.EInvalidProvider,
			"provider %q is not known: pass ?provider= one of %s", cut(provider), strings.Join(s.providerNames(), ", "))
	}
	if !slices.Contains(s.Providers, provider) {
		return spec, bulkverify.Errorf(bulkverify.EInvalidProvider,
			"provider %q is not enabled on this service (enabled: %s): set its %sBASE_URL and credentials", provider, strings.Join(s.Providers, ", "), bulkverify.EnvPrefix(provider))
	}
	return spec, nil
}

// replay answers a request whose Idempotency-Key produced batch b: the
// same file (by SHA-256) gets the first batch back, another file a 409.
func (s *Server) replay(form *uploadForm, b bulkverify.Batch, sha string) (batchAccepted, error) {
	h := sha256.New()
	if _, err := io.Copy(h, form.file); err != nil {
		return batchAccepted{}, s.uploadError(err)
	}
	if sha != "" && hex.EncodeToString(h.Sum(nil)) != sha {
		return batchAccepted{}, bulkverify.Errorf(bulkverify.EIdempotencyKeyReused,
			"this Idempotency-Key was used for batch %s with another file: use a new key for a new file", b.ID)
	}
	return accepted(b), nil
}

func accepted(b bulkverify.Batch) batchAccepted {
	return batchAccepted{
		RequestID: b.ID, State: b.State, Provider: b.Provider, TotalRows: b.TotalRows, RejectedRows: b.RejectedRows,
		Duplicates: b.Duplicates, Chunks: b.Chunks, ParentID: b.ParentID,
	}
}

// intake stores and splits the uploaded file, then creates and queues the
// batch. sum, when set, receives the file's bytes.
func (s *Server) intake(ctx context.Context, form *uploadForm, tenant string, spec bulkverify.Spec, opts uploadOptions, sum hash.Hash) (batchAccepted, error) {
	src := io.Reader(form.file)
	if sum != nil {
		src = io.TeeReader(src, sum)
	}
	src = batchcsv.NormalizeNewlines(src)
	id := newBatchID()
	o := s.splitOptions()
	o.SizeHint = form.size
	plan, dataKey, err := s.storeAndSplit(ctx, id, src, spec, o)
	if err == nil {
		err = form.finish(ctx, s, &opts)
	}
	if err != nil {
		s.deleteInput(ctx, id)
		return batchAccepted{}, s.uploadError(err)
	}
	acc, err := s.create(ctx, bulkverify.Batch{
		ID: id, Tenant: tenant, Provider: spec.Name, Metadata: opts.Metadata, CallbackURL: opts.CallbackURL,
		MaxFailureRate: opts.MaxFailureRate, DataKey: dataKey,
	}, plan)
	acc.IgnoredColumns = plan.Ignored
	return acc, err
}

// claimCheckers names, for each claim column, the providers of this
// service that check it, for the message that refuses it elsewhere.
func (s *Server) claimCheckers() map[string][]string {
	out := map[string][]string{}
	for _, name := range s.providerNames() {
		for _, c := range s.Specs[name].Claims {
			out[c] = append(out[c], name)
		}
	}
	return out
}

func newBatchID() string { return strings.ReplaceAll(uuid.NewString(), "-", "") }

// create records a batch whose input is stored and queues its first
// chunks.
func (s *Server) create(ctx context.Context, b bulkverify.Batch, plan batchcsv.Plan) (batchAccepted, error) {
	// The whole file is stored: finish even if the client hangs up now, so
	// that a batch is never half created.
	ctx = context.WithoutCancel(ctx)
	b.State, b.CreatedAt = bulkverify.StateQueued, s.Now()
	b.TotalRows, b.RejectedRows, b.Duplicates, b.Chunks = plan.TotalRows, plan.RejectedRows, plan.Duplicates, len(plan.Chunks)
	b.Header = plan.Header // stored once: the chunks' payloads do not carry it
	payloads := make([][]byte, len(plan.Chunks))
	for i, c := range plan.Chunks {
		payloads[i] = jobs.EncodeVerifyChunk(jobs.VerifyChunk{BatchID: b.ID, Tenant: b.Tenant, Provider: b.Provider, Chunk: c})
	}
	if err := s.Batches.Create(ctx, b, s.window(b.Tenant), payloads); err != nil {
		return batchAccepted{}, err
	}
	// The batch is stored: from here on it is the sweeper's to finish if
	// this release fails.
	if _, err := s.Feeder.Release(ctx, b.ID); err != nil {
		s.Log.Warn("release first chunks; the sweeper will retry", "request_id", b.ID, "tenant", b.Tenant, "err", err)
	}
	s.Metrics.Rows.WithLabelValues(b.Provider, "true").Add(float64(plan.TotalRows - plan.RejectedRows))
	s.Metrics.Rows.WithLabelValues(b.Provider, "false").Add(float64(plan.RejectedRows))
	s.Log.Info("batch accepted", "request_id", b.ID, "tenant", b.Tenant, "provider", b.Provider, "parent", b.ParentID,
		"rows", plan.TotalRows, "rejected", plan.RejectedRows, "duplicates", plan.Duplicates, "chunks", len(plan.Chunks))
	return accepted(b), nil
}

// splitOptions are the options every split of an upload starts from: the
// chunk size and the intake limits.
func (s *Server) splitOptions() batchcsv.Options {
	return batchcsv.Options{ChunkSize: s.ChunkSize, MaxChunks: s.MaxChunks, MaxColumns: s.MaxColumns,
		MaxHeaderBytes: batchcsv.MaxHeaderBytes, MaxLineBytes: s.MaxLineBytes, MaxRows: s.MaxRows}
}

// storeAndSplit seals and uploads src as the batch's input while Split
// reads the same bytes, and returns the plan and the input's wrapped data
// key. If the file is rejected the upload is abandoned and deleted.
func (s *Server) storeAndSplit(ctx context.Context, id string, src io.Reader, spec bulkverify.Spec, opts batchcsv.Options) (batchcsv.Plan, string, error) {
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

func (s *Server) deleteInput(ctx context.Context, id string) {
	if err := s.Files.DeleteInput(context.WithoutCancel(ctx), id); err != nil {
		s.Log.Warn("delete rejected input", "request_id", id, "err", err)
	}
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

// uploadForm is an upload being read: its file and the option fields met
// so far (query parameters, then multipart fields before the file).
type uploadForm struct {
	file   io.Reader
	fields map[string]string
	mr     *multipart.Reader
	// size is the request's Content-Length, -1 when unknown: about the
	// file's size.
	size int64
}

// maxFieldBytes bounds a multipart option field.
const maxFieldBytes = 16 << 10

// openUpload reads the request up to its file: the raw body, or the first
// multipart field named file or batch_file, collecting option fields on
// the way.
func openUpload(r *http.Request) (*uploadForm, error) {
	f := &uploadForm{fields: map[string]string{}, size: r.ContentLength}
	q := r.URL.Query()
	for _, name := range optionNames {
		if q.Has(name) {
			f.fields[name] = q.Get(name)
		}
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		f.file = r.Body
		return f, nil
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, bulkverify.Errorf(bulkverify.EInvalidFile, "the multipart body cannot be read (%v): send the CSV in a form field named file", err)
	}
	f.mr = mr
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return nil, bulkverify.Errorf(bulkverify.EInvalidFile, "the multipart body has no field named file (or batch_file): send the CSV as -F file=@batch.csv")
		}
		if err != nil {
			return nil, fmt.Errorf("read multipart body: %w", err)
		}
		if slices.Contains(fileFields, part.FormName()) {
			f.file = part
			return f, nil
		}
		if err := f.readField(part); err != nil {
			return nil, err
		}
	}
}

func (f *uploadForm) readField(part *multipart.Part) error {
	name := part.FormName()
	if !slices.Contains(optionNames, name) {
		return nil // unknown fields are ignored, like unknown columns
	}
	b, err := io.ReadAll(io.LimitReader(part, maxFieldBytes+1))
	if err != nil {
		return fmt.Errorf("read multipart field %s: %w", name, err)
	}
	if len(b) > maxFieldBytes {
		return bulkverify.Errorf(bulkverify.EInvalidRequest, "multipart field %s is longer than %d bytes", name, maxFieldBytes)
	}
	f.fields[name] = string(b)
	return nil
}

// finish reads the multipart fields after the file and folds them into
// opts. dry_run must come before the file: by then the file is stored.
func (f *uploadForm) finish(ctx context.Context, s *Server, opts *uploadOptions) error {
	if f.mr == nil {
		return nil
	}
	before := len(f.fields)
	_, hadDryRun := f.fields["dry_run"]
	for {
		part, err := f.mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("read multipart body: %w", err)
		}
		if err := f.readField(part); err != nil {
			return err
		}
	}
	if _, ok := f.fields["dry_run"]; ok && !hadDryRun {
		return bulkverify.Errorf(bulkverify.EInvalidRequest, "multipart field dry_run comes after the file: put it before the file (or pass ?dry_run=true)")
	}
	if len(f.fields) == before {
		return nil
	}
	o, err := s.parseOptions(ctx, f.fields)
	if err != nil {
		return err
	}
	*opts = o
	return nil
}

// uploadError turns a body that is too big or broken into a user error.
func (s *Server) uploadError(err error) error {
	var slow *slowUploadError
	if errors.As(err, &slow) {
		return slow.userError()
	}
	if timedOut(err) {
		return bulkverify.Errorf(bulkverify.ERequestTimeout, "the upload sent nothing for %s: send the file again on a steadier connection", s.UploadIdleTimeout)
	}
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
