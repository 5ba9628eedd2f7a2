package api

import (
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/bulkverify/bulkverify/batchcsv"
)

// errorRow is one row of a batch's errors.csv.
type errorRow struct {
	RowNumber   int    `json:"row_number"`
	ReferenceID string `json:"reference_id"`
	Code        string `json:"code"`
	Message     string `json:"message"`
	Retryable   bool   `json:"retryable"`
}

// errorRows is the data of the errors answer: the first rows of
// errors.csv, and whether more follow.
type errorRows struct {
	RequestID string     `json:"request_id"`
	Rows      []errorRow `json:"rows"`
	Truncated bool       `json:"truncated"`
}

// handleBatchErrors answers the first rows of a finished batch's
// errors.csv, read from the store, for clients that cannot fetch the
// presigned URL themselves (a browser without CORS on the bucket).
func (s *Server) handleBatchErrors(w http.ResponseWriter, r *http.Request) {
	limit, err := rowLimit(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	b, err := s.finishedBatch(r.Context(), r.PathValue("request_id"), "errors.csv")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	body, err := s.Files.OpenErrors(r.Context(), b.ID)
	if err != nil {
		s.writeError(w, r, fmt.Errorf("open errors of batch %s: %w", b.ID, err))
		return
	}
	defer body.Close()
	out, err := readErrorRows(body, limit)
	if err != nil {
		s.writeError(w, r, fmt.Errorf("read errors of batch %s: %w", b.ID, err))
		return
	}
	out.RequestID = b.ID
	s.writeOK(w, http.StatusOK, "Batch errors fetched successfully", out)
}

// readErrorRows reads up to limit rows of an errors.csv and no further.
func readErrorRows(r io.Reader, limit int) (errorRows, error) {
	out := errorRows{Rows: []errorRow{}}
	er, err := batchcsv.NewErrorReader(r)
	if err != nil {
		return out, err
	}
	for {
		row, err := er.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		if len(out.Rows) == limit {
			out.Truncated = true
			return out, nil
		}
		out.Rows = append(out.Rows, errorRow{
			RowNumber: row.RowNumber, ReferenceID: row.ReferenceID, Code: string(row.Code), Message: row.Message, Retryable: row.Retryable,
		})
	}
}
