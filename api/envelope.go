package api

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"

	"github.com/bulkverify/bulkverify"
)

// envelope is the response shape of the seeds: code, timestamp,
// transaction_id, sub_code, message, data.
type envelope struct {
	Code          int    `json:"code"`
	Timestamp     int64  `json:"timestamp"`
	TransactionID string `json:"transaction_id"`
	SubCode       string `json:"sub_code"`
	Message       string `json:"message"`
	Data          any    `json:"data,omitempty"`
}

func newTransactionID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // keep & in presigned URLs readable
	enc.Encode(v)
}

func (s *Server) writeOK(w http.ResponseWriter, status int, message string, data any) {
	writeJSON(w, status, envelope{
		Code: status, Timestamp: s.Now().UnixMilli(), TransactionID: newTransactionID(),
		SubCode: "SUCCESS", Message: message, Data: data,
	})
}

// errorStatus maps a domain error code to its HTTP status.
var errorStatus = map[string]int{
	bulkverify.EInvalidProvider:      http.StatusBadRequest,
	bulkverify.EMissingColumn:        http.StatusBadRequest,
	bulkverify.EUnsupportedColumn:    http.StatusBadRequest,
	bulkverify.EInvalidFile:          http.StatusBadRequest,
	bulkverify.EEmptyFile:            http.StatusBadRequest,
	bulkverify.EInvalidRequest:       http.StatusBadRequest,
	bulkverify.EFileTooLarge:         http.StatusRequestEntityTooLarge,
	bulkverify.ETooManyColumns:       http.StatusBadRequest,
	bulkverify.ELineTooLong:          http.StatusBadRequest,
	bulkverify.ETooManyRows:          http.StatusRequestEntityTooLarge,
	bulkverify.EInvalidRequestID:     http.StatusUnprocessableEntity,
	bulkverify.EConflict:             http.StatusConflict,
	bulkverify.EIdempotencyKeyReused: http.StatusConflict,
	bulkverify.EBatchFinished:        http.StatusConflict,
	bulkverify.EBatchNotFinished:     http.StatusConflict,
	bulkverify.EBatchExpired:         http.StatusConflict,
	bulkverify.ENothingToRetry:       http.StatusBadRequest,
	bulkverify.EInvalidCallbackURL:   http.StatusBadRequest,
	bulkverify.ENotFound:             http.StatusUnprocessableEntity,
	bulkverify.ERequestTimeout:       http.StatusRequestTimeout,
	bulkverify.EBusy:                 http.StatusServiceUnavailable,
	bulkverify.ERateLimited:          http.StatusTooManyRequests,
	bulkverify.ETooManyAttempts:      http.StatusTooManyRequests,
	bulkverify.EProviderNotEnabled:   http.StatusForbidden,
	bulkverify.EInternal:             http.StatusInternalServerError,
}

// writeError renders err in the envelope. Only internal errors are logged,
// and their details never reach the client.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := bulkverify.ErrorCode(err)
	status, ok := errorStatus[code]
	if !ok {
		status = http.StatusInternalServerError // a code the edge does not know is our bug
	}
	if status == http.StatusInternalServerError {
		s.Log.Error("request failed", "pattern", r.Pattern, "err", err)
	}
	s.Metrics.Errors.WithLabelValues(code).Inc()
	if status == http.StatusRequestTimeout {
		w.Header().Set("Connection", "close") // the body was not read to its end
	}
	writeJSON(w, status, envelope{
		Code: status, Timestamp: s.Now().UnixMilli(), TransactionID: newTransactionID(),
		SubCode: code, Message: capMessage(bulkverify.ErrorMessage(err)),
	})
}

// maxMessage bounds an error message, so that no answer echoes a file.
const maxMessage = 300

// capMessage cuts msg to maxMessage characters, marking the cut with ….
func capMessage(msg string) string {
	r := []rune(msg)
	if len(r) <= maxMessage {
		return msg
	}
	return string(r[:maxMessage-1]) + "…"
}

// writeDetail renders the seeds' auth error body: {"detail": "..."}.
func writeDetail(w http.ResponseWriter, status int, detail string) {
	writeJSON(w, status, map[string]string{"detail": detail})
}
