package intake

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/batchcsv"
)

// Retry makes a child batch of the parent's retryable rows (of the codes
// asked for), read from the parent's stored input so that they keep their
// row numbers.
func (s *Service) Retry(ctx context.Context, req bulkverify.RetryRequest) (bulkverify.Batch, error) {
	parent := req.Parent
	if parent.State == bulkverify.StateExpired {
		return bulkverify.Batch{}, bulkverify.Errorf(bulkverify.EBatchExpired, "batch %s has expired: its files were deleted at the end of retention; upload the rows again", parent.ID)
	}
	if !parent.State.Finished() {
		return bulkverify.Batch{}, bulkverify.Errorf(bulkverify.EBatchNotFinished, "batch %s is %s: retry its rows once it is finished (or cancel it first)", parent.ID, parent.State)
	}
	spec, err := s.provider(req, parent.Provider)
	if err != nil {
		return bulkverify.Batch{}, err
	}
	numbers, err := s.retryableRows(ctx, parent.ID, req.Codes)
	if err != nil {
		return bulkverify.Batch{}, err
	}
	if len(numbers) == 0 {
		what := "no retryable row"
		if len(req.Codes) > 0 {
			what += " with code " + strings.Join(req.Codes, " or ")
		}
		return bulkverify.Batch{}, bulkverify.Errorf(bulkverify.ENothingToRetry, "batch %s has %s: nothing to retry", parent.ID, what)
	}
	return s.retryBatch(ctx, parent, spec, numbers)
}

// provider resolves the parent's provider by req.Provider, or among the
// known ones when the caller has no rule of its own.
func (s *Service) provider(req bulkverify.RetryRequest, name string) (bulkverify.Spec, error) {
	if req.Provider != nil {
		return req.Provider(name)
	}
	spec, ok := s.Specs[name]
	if !ok {
		return spec, bulkverify.Errorf(bulkverify.EInvalidProvider, "provider %q is not known", name)
	}
	return spec, nil
}

// retryableRows reads the row numbers of the parent's retryable FAILED
// rows from its errors.csv, in order.
func (s *Service) retryableRows(ctx context.Context, id string, codes []string) ([]int, error) {
	body, err := s.Files.OpenErrors(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("read errors of batch %s: %w", id, err)
	}
	defer body.Close()
	er, err := batchcsv.NewErrorReader(body)
	if err != nil {
		return nil, fmt.Errorf("read errors of batch %s: %w", id, err)
	}
	var out []int
	for {
		row, err := er.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read errors of batch %s: %w", id, err)
		}
		if row.Retryable && (len(codes) == 0 || slices.Contains(codes, string(row.Code))) {
			out = append(out, row.RowNumber)
		}
	}
}

// retryBatch stores the chosen rows of the parent's input as the child's
// input and creates the child, numbered like the parent.
func (s *Service) retryBatch(ctx context.Context, parent bulkverify.Batch, spec bulkverify.Spec, numbers []int) (bulkverify.Batch, error) {
	in, err := s.Files.OpenInput(ctx, parent.ID, parent.DataKey)
	if err != nil {
		return bulkverify.Batch{}, fmt.Errorf("read input of batch %s: %w", parent.ID, err)
	}
	defer in.Close()
	want := make(map[int]bool, len(numbers))
	for _, n := range numbers {
		want[n] = true
	}
	pr, pw := io.Pipe()
	go func() {
		_, err := batchcsv.SelectRows(in, want, pw)
		pw.CloseWithError(err)
	}()
	id := newBatchID()
	// The parent's rows passed the intake limits already: they are not
	// checked again (re-encoded, a row may grow by a few quotes).
	plan, dataKey, err := s.storeAndSplit(ctx, id, pr, spec, batchcsv.Options{ChunkSize: s.ChunkSize, TargetChunks: TargetChunks, MaxChunks: s.MaxChunks, Numbers: numbers})
	pr.CloseWithError(errors.New("retry batch abandoned"))
	if err != nil {
		return bulkverify.Batch{}, err
	}
	return s.create(ctx, bulkverify.Batch{
		ID: id, Tenant: parent.Tenant, Provider: parent.Provider, ParentID: parent.ID,
		Metadata: parent.Metadata, CallbackURL: parent.CallbackURL, MaxFailureRate: parent.MaxFailureRate, DataKey: dataKey,
	}, plan)
}
