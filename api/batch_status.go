package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/batchstatus"
)

// BatchStatus is the status data of a batch (see batchstatus.Data).
type BatchStatus = batchstatus.Data

// statusMessage is the envelope's message of the status route.
const statusMessage = "Batch Upload status fetched successfully"

// handleBatchStatus answers from memory when it can: an ended batch from
// endedBatches, one in progress from runningBatches (at most StatusMaxAge
// old, one shared store read when that has passed). The tenant is checked
// on every request, whatever answers.
func (s *Server) handleBatchStatus(w http.ResponseWriter, r *http.Request) {
	id, tenant, now := r.URL.Query().Get("request_id"), tenantFrom(r.Context()), s.Now()
	if b, ok := s.ended.get(id, now); ok && b.Tenant == tenant {
		s.writeEndedStatus(w, r, b)
		return
	}
	if !validRequestID(id) {
		s.writeError(w, r, invalidRequestID())
		return
	}
	l := s.running.lookup(id, now, s.statusMaxAge())
	if l.body != nil {
		if l.tenant != tenant {
			s.writeError(w, r, invalidRequestID())
			return
		}
		s.writeStatusData(w, l.body)
		return
	}
	if l.lead {
		s.leadStatusRead(r.Context(), id, l.flight)
	}
	res, err := l.flight.wait(r.Context())
	if err == nil {
		res.b, err = owned(res.b, res.err, tenant)
	}
	switch {
	case err != nil:
		s.writeError(w, r, err)
	case res.b.State.Ended():
		s.writeEndedStatus(w, r, res.b)
	default:
		s.writeStatusData(w, res.body)
	}
}

// statusMaxAge is StatusMaxAge, its default when unset, and 0 (every
// request reads the store, concurrent ones once) when negative.
func (s *Server) statusMaxAge() time.Duration {
	switch {
	case s.StatusMaxAge == 0:
		return defaultStatusMaxAge
	case s.StatusMaxAge < 0:
		return 0
	}
	return s.StatusMaxAge
}

// leadStatusRead reads batch id from the store for flight f and lands it,
// also when the read fails or panics, so that its waiters never hang. The
// read outlives the leader's request: the others share it.
func (s *Server) leadStatusRead(ctx context.Context, id string, f *statusFlight) {
	res := statusRead{err: errors.New("status read did not finish")}
	defer func() { s.running.land(id, f, res, s.Now()) }()
	res = s.readStatus(context.WithoutCancel(ctx), id)
}

// readStatus reads batch id and encodes its status data while it is in
// progress; an ended one goes to endedBatches, to be rendered per request
// with fresh URLs.
func (s *Server) readStatus(ctx context.Context, id string) statusRead {
	b, err := s.Batches.Get(ctx, id)
	if err != nil {
		return statusRead{err: err}
	}
	if b.State.Ended() {
		s.ended.put(b, s.Now())
		return statusRead{b: b}
	}
	st, err := s.renderer().Render(ctx, b, false)
	if err != nil {
		return statusRead{err: err}
	}
	body, err := encodeData(st)
	return statusRead{b: b, body: body, err: err}
}

// writeEndedStatus renders ended batch b with fresh URLs.
func (s *Server) writeEndedStatus(w http.ResponseWriter, r *http.Request, b bulkverify.Batch) {
	st, err := s.status(r.Context(), b, true)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeOK(w, http.StatusOK, statusMessage, st)
}

// encodeData encodes status data as writeJSON would inside the envelope.
func encodeData(st BatchStatus) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(st); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// writeStatusData sends the status route's envelope around encoded data:
// the bytes writeOK would send, with no encoding of the data per request.
func (s *Server) writeStatusData(w http.ResponseWriter, data []byte) {
	buf := make([]byte, 0, len(data)+192)
	buf = append(buf, `{"code":200,"timestamp":`...)
	buf = strconv.AppendInt(buf, s.Now().UnixMilli(), 10)
	buf = append(buf, `,"transaction_id":"`...)
	buf = append(buf, newTransactionID()...)
	buf = append(buf, `","sub_code":"SUCCESS","message":"`+statusMessage+`","data":`...)
	buf = append(buf, data...)
	buf = append(buf, "}\n"...)
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(buf)))
	w.WriteHeader(http.StatusOK)
	w.Write(buf)
}

// validRequestID reports whether id could name a batch at all.
func validRequestID(id string) bool { return id != "" && len(id) <= 64 }

// invalidRequestID is the answer, with the seed's body, for an unknown id
// or another tenant's.
func invalidRequestID() error {
	return bulkverify.Errorf(bulkverify.EInvalidRequestID, "Invalid Request ID")
}

// tenantBatch returns the caller's batch id; an unknown id or another
// tenant's is INVALID_REQUEST_ID, with the seed's body.
func (s *Server) tenantBatch(ctx context.Context, id string) (bulkverify.Batch, error) {
	if !validRequestID(id) {
		return bulkverify.Batch{}, invalidRequestID()
	}
	b, err := s.Batches.Get(ctx, id)
	return owned(b, err, tenantFrom(ctx))
}

// owned is the read (b, err) of a batch as tenant may see it: an unknown
// batch or another tenant's is INVALID_REQUEST_ID.
func owned(b bulkverify.Batch, err error, tenant string) (bulkverify.Batch, error) {
	if bulkverify.ErrorCode(err) == bulkverify.ENotFound || (err == nil && b.Tenant != tenant) {
		return bulkverify.Batch{}, invalidRequestID()
	}
	return b, err
}

// status renders b; withURLs presigns the output links of a finished
// batch. Every route renders through it, so the status route's memory of
// batches in progress learns what they read (see runningBatches.observe).
func (s *Server) status(ctx context.Context, b bulkverify.Batch, withURLs bool) (BatchStatus, error) {
	s.running.observe(b, s.Now())
	return s.renderer().Render(ctx, b, withURLs)
}

func (s *Server) renderer() batchstatus.Renderer {
	return batchstatus.Renderer{Files: s.Files, ProviderRates: s.ProviderRates}
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

// BatchEnded tells the server that batch id ended in another process (a
// worker): the status it keeps of id in progress is dropped, so the next
// poll reads it ended from the store.
func (s *Server) BatchEnded(id string) { s.running.forget(id) }
