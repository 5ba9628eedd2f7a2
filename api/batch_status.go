package api

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"time"

	"github.com/bulkverify/bulkverify"
)

// BatchStatus is the data of the status answer: the seed's five fields
// first, with their meaning kept, then ours beside them. The list, the
// lifecycle routes and the command-line client use it too.
type BatchStatus struct {
	RequestID          string  `json:"request_id"`
	Status             int     `json:"status"`
	ProductID          string  `json:"product_id"`
	Message            string  `json:"message"`
	BatchOutputFileURL *string `json:"batch_output_file_url"`

	State           bulkverify.State        `json:"state"`
	ErrorFileURL    *string                 `json:"batch_error_file_url"`
	TotalRows       int                     `json:"total_rows"`
	ProcessedRows   int                     `json:"processed_rows"`
	RejectedRows    int                     `json:"rejected_rows"`
	Verified        int                     `json:"verified"`
	NotVerified     int                     `json:"not_verified"`
	Failed          int                     `json:"failed"`
	Duplicates      int                     `json:"duplicates"`
	Codes           map[bulkverify.Code]int `json:"codes"`
	PercentComplete float64                 `json:"percent_complete"`
	RowsPerSecond   float64                 `json:"rows_per_second"`
	ETASeconds      *int                    `json:"eta_seconds"`
	Chunks          int                     `json:"chunks"`
	DoneChunks      int                     `json:"done_chunks"`
	CreatedAt       *time.Time              `json:"created_at"`
	StartedAt       *time.Time              `json:"started_at"`
	FinalizingAt    *time.Time              `json:"finalizing_at"`
	CompletedAt     *time.Time              `json:"completed_at"`
	CancellingAt    *time.Time              `json:"cancelling_at"`
	CancelledAt     *time.Time              `json:"cancelled_at"`
	FailedAt        *time.Time              `json:"failed_at"`
	ExpiredAt       *time.Time              `json:"expired_at"`
	ExpiresAt       *time.Time              `json:"expires_at"`
	FailureReason   *string                 `json:"failure_reason"`
	MaxFailureRate  *float64                `json:"max_failure_rate"`
	ParentRequestID *string                 `json:"parent_request_id"`
	Metadata        map[string]string       `json:"metadata"`
	CallbackURL     *string                 `json:"callback_url"`
}

// Finished reports whether the batch will change no more but to expire.
func (st BatchStatus) Finished() bool { return st.Status == http.StatusOK }

// stateMessages are data.message by state; the others are in progress.
var stateMessages = map[bulkverify.State]string{
	bulkverify.StateCompleted: "batch processing completed",
	bulkverify.StateCancelled: "batch processing cancelled",
	bulkverify.StateFailed:    "batch processing failed",
	bulkverify.StateExpired:   "batch results expired",
}

func (s *Server) handleBatchStatus(w http.ResponseWriter, r *http.Request) {
	b, err := s.tenantBatch(r.Context(), r.URL.Query().Get("request_id"))
	if err != nil {
		s.writeError(w, r, err)
		return
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
	st := BatchStatus{
		RequestID: b.ID, Status: http.StatusCreated, ProductID: b.Provider, Message: "batch processing in progress",
		State: b.State, TotalRows: b.TotalRows, ProcessedRows: b.ProcessedRows, RejectedRows: b.RejectedRows,
		Verified: b.Verified, NotVerified: b.NotVerified, Failed: b.Failed, Duplicates: b.Duplicates,
		Codes: b.Codes, PercentComplete: b.PercentComplete(), RowsPerSecond: b.RowsPerSecond, ETASeconds: s.eta(b),
		Chunks: b.Chunks, DoneChunks: b.DoneChunks,
		CreatedAt: timePtr(b.CreatedAt), StartedAt: timePtr(b.StartedAt), FinalizingAt: timePtr(b.FinalizingAt),
		CompletedAt: timePtr(b.CompletedAt), CancellingAt: timePtr(b.CancellingAt), CancelledAt: timePtr(b.CancelledAt),
		FailedAt: timePtr(b.FailedAt), ExpiredAt: timePtr(b.ExpiredAt), ExpiresAt: timePtr(b.ExpiresAt),
		FailureReason: strPtr(b.FailureReason), ParentRequestID: strPtr(b.ParentID), Metadata: b.Metadata,
		CallbackURL: strPtr(b.CallbackURL), MaxFailureRate: b.MaxFailureRate,
	}
	if st.Codes == nil {
		st.Codes = map[bulkverify.Code]int{}
	}
	if st.Metadata == nil {
		st.Metadata = map[string]string{}
	}
	if msg, ok := stateMessages[b.State]; ok {
		st.Status, st.Message = http.StatusOK, msg
	}
	if withURLs && b.State.Finished() {
		out, err := s.Files.PresignOutput(ctx, b.ID)
		if err != nil {
			return st, err
		}
		errs, err := s.Files.PresignErrors(ctx, b.ID)
		if err != nil {
			return st, err
		}
		st.BatchOutputFileURL, st.ErrorFileURL = &out, &errs
	}
	return st, nil
}

// eta estimates the seconds left from the pace of the last minute, never
// faster than the provider's global rate limit allows (one request a row
// at least), which the batch shares with every other batch of the
// provider. Nil until the pace is known.
func (s *Server) eta(b bulkverify.Batch) *int {
	if b.State.Finished() {
		zero := 0
		return &zero
	}
	if !b.RateKnown || b.RowsPerSecond <= 0 || b.State.Ended() {
		return nil
	}
	pace := b.RowsPerSecond
	if limit := s.ProviderRates[b.Provider]; limit > 0 {
		pace = math.Min(pace, limit)
	}
	left := int(math.Ceil(float64(max(b.TotalRows-b.ProcessedRows, 0)) / pace))
	return &left
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
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
