package api

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/batchstatus"
)

// BatchStatus is the status data of a batch (see batchstatus.Data).
type BatchStatus = batchstatus.Data

func (s *Server) handleBatchStatus(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("request_id")
	b, ok := s.ended.get(id, s.Now())
	if !ok || b.Tenant != tenantFrom(r.Context()) {
		var err error
		if b, err = s.tenantBatch(r.Context(), id); err != nil {
			s.writeError(w, r, err)
			return
		}
		s.ended.put(b, s.Now())
	}
	st, err := s.status(r.Context(), b, true)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeOK(w, http.StatusOK, "Batch Upload status fetched successfully", st)
}

// tenantBatch returns the caller's batch id; an unknown id or another
// tenant's is INVALID_REQUEST_ID, with the seed's body.
func (s *Server) tenantBatch(ctx context.Context, id string) (bulkverify.Batch, error) {
	invalid := bulkverify.Errorf(bulkverify.EInvalidRequestID, "Invalid Request ID")
	if id == "" || len(id) > 64 {
		return bulkverify.Batch{}, invalid
	}
	b, err := s.Batches.Get(ctx, id)
	if bulkverify.ErrorCode(err) == bulkverify.ENotFound || (err == nil && b.Tenant != tenantFrom(ctx)) {
		return bulkverify.Batch{}, invalid
	}
	return b, err
}

// status renders b; withURLs presigns the output links of a finished
// batch.
func (s *Server) status(ctx context.Context, b bulkverify.Batch, withURLs bool) (BatchStatus, error) {
	return batchstatus.Renderer{Files: s.Files, ProviderRates: s.ProviderRates}.Render(ctx, b, withURLs)
}

// listedBatch is a batch in the list: the status data without URLs.
type listedBatch BatchStatus

// MarshalJSON renders the status data without its two URL fields.
func (b listedBatch) MarshalJSON() ([]byte, error) {
	raw, err := json.Marshal(BatchStatus(b))
	if err != nil {
		return nil, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	delete(m, "batch_output_file_url")
	delete(m, "batch_error_file_url")
	return json.Marshal(m)
}
