package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"

	"github.com/bulkverify/bulkverify"
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
	DryRun       bool                    `json:"dry_run"`
	Provider     string                  `json:"product_id"`
	TotalRows    int                     `json:"total_rows"`
	RejectedRows int                     `json:"rejected_rows"`
	Duplicates   int                     `json:"duplicates"`
	Problems     []bulkverify.RowProblem `json:"problems"`
	// IgnoredColumns are the file's columns the provider does not read.
	IgnoredColumns []string `json:"ignored_columns"`
}

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
// provider and the options and reads the request up to its file, then
// has the intake service dry-run the file or store, split and queue it.
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
	res, err := s.Intake.Submit(ctx, bulkverify.SubmitRequest{
		Tenant: tenant, Spec: spec, Options: opts.batchOptions(), DryRun: opts.DryRun,
		IdempotencyKey: strings.TrimSpace(r.Header.Get("Idempotency-Key")),
		File:           form.file, Size: form.size,
		After:     func(ctx context.Context) (*bulkverify.BatchOptions, error) { return form.finish(ctx, s) },
		ReadError: s.uploadError,
	})
	if err != nil {
		return uploadResult{}, err
	}
	if res.DryRun != nil {
		return uploadResult{dryRun: dryRun(spec, res.DryRun)}, nil
	}
	if !res.Replayed {
		s.countRows(res.Batch)
	}
	acc := accepted(res.Batch)
	acc.IgnoredColumns = res.IgnoredColumns
	return uploadResult{accepted: acc, replayed: res.Replayed}, nil
}

func dryRun(spec bulkverify.Spec, d *bulkverify.DryRunReport) *dryRunReport {
	return &dryRunReport{
		DryRun: true, Provider: spec.Name, TotalRows: d.TotalRows, RejectedRows: d.RejectedRows,
		Duplicates: d.Duplicates, Problems: append([]bulkverify.RowProblem{}, d.Problems...),
		IgnoredColumns: append([]string{}, d.IgnoredColumns...),
	}
}

// countRows counts a new batch's rows, valid and rejected.
func (s *Server) countRows(b bulkverify.Batch) {
	s.Metrics.Rows.WithLabelValues(b.Provider, "true").Add(float64(b.TotalRows - b.RejectedRows))
	s.Metrics.Rows.WithLabelValues(b.Provider, "false").Add(float64(b.RejectedRows))
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

func accepted(b bulkverify.Batch) batchAccepted {
	return batchAccepted{
		RequestID: b.ID, State: b.State, Provider: b.Provider, TotalRows: b.TotalRows, RejectedRows: b.RejectedRows,
		Duplicates: b.Duplicates, Chunks: b.Chunks, ParentID: b.ParentID,
	}
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

// finish reads the multipart fields after the file and returns the
// options they make, or nil when there are none. dry_run must come before
// the file: by then the file is stored.
func (f *uploadForm) finish(ctx context.Context, s *Server) (*bulkverify.BatchOptions, error) {
	if f.mr == nil {
		return nil, nil
	}
	before := len(f.fields)
	_, hadDryRun := f.fields["dry_run"]
	for {
		part, err := f.mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read multipart body: %w", err)
		}
		if err := f.readField(part); err != nil {
			return nil, err
		}
	}
	if _, ok := f.fields["dry_run"]; ok && !hadDryRun {
		return nil, bulkverify.Errorf(bulkverify.EInvalidRequest, "multipart field dry_run comes after the file: put it before the file (or pass ?dry_run=true)")
	}
	if len(f.fields) == before {
		return nil, nil
	}
	o, err := s.parseOptions(ctx, f.fields)
	if err != nil {
		return nil, err
	}
	bo := o.batchOptions()
	return &bo, nil
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

// batchOptions are the options the batch keeps.
func (o uploadOptions) batchOptions() bulkverify.BatchOptions {
	return bulkverify.BatchOptions{Metadata: o.Metadata, CallbackURL: o.CallbackURL, MaxFailureRate: o.MaxFailureRate}
}
