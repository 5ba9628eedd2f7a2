// Package batchstatus renders a batch's status data: what the status
// route, the list, the lifecycle routes and the webhooks send.
package batchstatus

import (
	"context"
	"math"
	"net/http"
	"time"

	"github.com/bulkverify/bulkverify"
)

// Data is the status data of a batch: the seed's five fields first, with
// their meaning kept, then ours beside them. The status route, the list,
// the lifecycle routes, the webhooks and the command-line client use it.
type Data struct {
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
func (st Data) Finished() bool { return st.Status == http.StatusOK }

// stateMessages are data.message by state; the others are in progress.
var stateMessages = map[bulkverify.State]string{
	bulkverify.StateCompleted: "batch processing completed",
	bulkverify.StateCancelled: "batch processing cancelled",
	bulkverify.StateFailed:    "batch processing failed",
	bulkverify.StateExpired:   "batch results expired",
}

// Presigner hands out download links of a batch's outputs.
type Presigner interface {
	PresignOutput(ctx context.Context, id string) (string, error)
	PresignErrors(ctx context.Context, id string) (string, error)
}

// Renderer renders status data.
type Renderer struct {
	Files Presigner
	// ProviderRates are the providers' global requests/s, for the ETA.
	ProviderRates map[string]float64
}

// Render returns the status data of b; withURLs presigns the output
// links of a finished batch.
func (r Renderer) Render(ctx context.Context, b bulkverify.Batch, withURLs bool) (Data, error) {
	st := Data{
		RequestID: b.ID, Status: http.StatusCreated, ProductID: b.Provider, Message: "batch processing in progress",
		State: b.State, TotalRows: b.TotalRows, ProcessedRows: b.ProcessedRows, RejectedRows: b.RejectedRows,
		Verified: b.Verified, NotVerified: b.NotVerified, Failed: b.Failed, Duplicates: b.Duplicates,
		Codes: b.Codes, PercentComplete: b.PercentComplete(), RowsPerSecond: b.RowsPerSecond, ETASeconds: r.eta(b),
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
		out, err := r.Files.PresignOutput(ctx, b.ID)
		if err != nil {
			return st, err
		}
		errs, err := r.Files.PresignErrors(ctx, b.ID)
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
func (r Renderer) eta(b bulkverify.Batch) *int {
	if b.State.Finished() {
		zero := 0
		return &zero
	}
	if !b.RateKnown || b.RowsPerSecond <= 0 || b.State.Ended() {
		return nil
	}
	pace := b.RowsPerSecond
	if limit := r.ProviderRates[b.Provider]; limit > 0 {
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
