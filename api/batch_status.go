package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/storage"
)

// BatchStatus is the data of the status answer: the seed's fields first,
// then ours beside them. The command-line client decodes it too.
type BatchStatus struct {
	RequestID          string  `json:"request_id"`
	Status             int     `json:"status"`
	ProductID          string  `json:"product_id"`
	Message            string  `json:"message"`
	BatchOutputFileURL *string `json:"batch_output_file_url"`

	State           bulkverify.State `json:"state"`
	ErrorFileURL    *string          `json:"batch_error_file_url"`
	TotalRows       int              `json:"total_rows"`
	ProcessedRows   int              `json:"processed_rows"`
	RejectedRows    int              `json:"rejected_rows"`
	Verified        int              `json:"verified"`
	NotVerified     int              `json:"not_verified"`
	Failed          int              `json:"failed"`
	PercentComplete float64          `json:"percent_complete"`
	Chunks          int              `json:"chunks"`
	DoneChunks      int              `json:"done_chunks"`
	CreatedAt       *time.Time       `json:"created_at"`
	StartedAt       *time.Time       `json:"started_at"`
	CompletedAt     *time.Time       `json:"completed_at"`
}

func (s *Server) handleBatchStatus(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("request_id")
	invalid := bulkverify.Errorf(bulkverify.EInvalidRequestID, "Invalid Request ID")
	if id == "" {
		s.writeError(w, r, invalid)
		return
	}
	b, err := s.Batches.Get(r.Context(), id)
	if errors.Is(err, storage.ErrBatchNotFound) || (err == nil && b.Tenant != tenantFrom(r.Context())) {
		s.writeError(w, r, invalid)
		return
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	st := BatchStatus{
		RequestID: b.ID, Status: http.StatusCreated, ProductID: b.Provider, Message: "batch processing in progress",
		State: b.State, TotalRows: b.TotalRows, ProcessedRows: b.ProcessedRows, RejectedRows: b.RejectedRows,
		Verified: b.Verified, NotVerified: b.NotVerified, Failed: b.Failed, PercentComplete: b.PercentComplete(),
		Chunks: b.Chunks, DoneChunks: b.DoneChunks,
		CreatedAt: timePtr(b.CreatedAt), StartedAt: timePtr(b.StartedAt), CompletedAt: timePtr(b.CompletedAt),
	}
	if b.State.Finished() {
		out, err := s.Files.PresignGet(r.Context(), storage.OutputKey(b.ID), b.ID+".csv")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		errs, err := s.Files.PresignGet(r.Context(), storage.ErrorsKey(b.ID), b.ID+"-errors.csv")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		st.Status, st.Message, st.BatchOutputFileURL, st.ErrorFileURL = http.StatusOK, "batch processing completed", &out, &errs
	}
	s.writeOK(w, http.StatusOK, "Batch Upload status fetched successfully", st)
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
