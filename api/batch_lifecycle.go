package api

import (
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/bulkverify/bulkverify"
)

// batchList is the data of the list answer, paginated like seeds/001.
type batchList struct {
	Batches    []listedBatch `json:"batches"`
	Pagination pagination    `json:"pagination"`
}

type pagination struct {
	ReturnedCount int `json:"returned_count"`
	TotalCount    int `json:"total_count"`
	CurrentPage   int `json:"current_page"`
	TotalPages    int `json:"total_pages"`
}

const (
	defaultPerPage = 20
	maxPerPage     = 100
)

func (s *Server) handleBatchList(w http.ResponseWriter, r *http.Request) {
	q, err := s.parseListQuery(r, tenantFrom(r.Context()))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	bs, total, err := s.Batches.List(r.Context(), q)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := batchList{Batches: make([]listedBatch, 0, len(bs)), Pagination: pagination{
		ReturnedCount: len(bs), TotalCount: total, CurrentPage: q.Page, TotalPages: (total + q.PerPage - 1) / q.PerPage,
	}}
	for _, b := range bs {
		st, err := s.status(r.Context(), b, false)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		out.Batches = append(out.Batches, listedBatch(st))
	}
	s.writeOK(w, http.StatusOK, "Batches fetched successfully", out)
}

// providerNames returns the known providers' names, sorted.
func (s *Server) providerNames() []string {
	return slices.Sorted(maps.Keys(s.Specs))
}

func (s *Server) parseListQuery(r *http.Request, tenant string) (bulkverify.ListQuery, error) {
	v := r.URL.Query()
	q := bulkverify.ListQuery{Tenant: tenant, Page: 1, PerPage: defaultPerPage}
	bad := func(format string, args ...any) error {
		return bulkverify.Errorf(bulkverify.EInvalidRequest, format, args...)
	}
	if p := v.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			return q, bad("page=%q: want a whole number from 1", cut(p))
		}
		q.Page = n
	}
	if p := v.Get("per_page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > maxPerPage {
			return q, bad("per_page=%q: want a whole number from 1 to %d", cut(p), maxPerPage)
		}
		q.PerPage = n
	}
	switch o := v.Get("order"); o {
	case "", "desc":
	case "asc":
		q.Ascending = true
	default:
		return q, bad("order=%q: want asc or desc", cut(o))
	}
	if st := v.Get("state"); st != "" {
		if !bulkverify.State(st).Valid() {
			return q, bad("state=%q: want one of %s", cut(st), stateNames())
		}
		q.State = bulkverify.State(st)
	}
	if p := v.Get("provider"); p != "" {
		if _, ok := s.Specs[p]; !ok {
			return q, bad("provider=%q: want one of %s", cut(p), strings.Join(s.providerNames(), ", "))
		}
		q.Provider = p
	}
	return q, nil
}

func stateNames() string {
	names := make([]string, len(bulkverify.States))
	for i, st := range bulkverify.States {
		names[i] = string(st)
	}
	return strings.Join(names, ", ")
}

// handleBatchCancel stops a batch: no chunk is released any more, the
// workers cut the rows in flight, and the output is assembled from what was
// done, the rest CANCELLED.
func (s *Server) handleBatchCancel(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	b, err := s.tenantBatch(ctx, r.PathValue("request_id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	res, err := s.Intake.Cancel(ctx, b)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if res.Cancelled {
		s.Metrics.Cancels.WithLabelValues(b.Provider).Inc()
		s.Log.Info("batch cancelled", "request_id", b.ID, "tenant", b.Tenant, "was", b.State)
	}
	if b, err = s.Batches.Get(ctx, b.ID); err != nil {
		s.writeError(w, r, err)
		return
	}
	st, err := s.status(ctx, b, true)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeOK(w, http.StatusAccepted, "batch cancellation accepted", st)
}

// batchErased is the data of the answer to DELETE.
type batchErased struct {
	RequestID string `json:"request_id"`
	Erased    bool   `json:"erased"`
}

// handleBatchDelete erases a finished batch now: its files, checkpoints,
// data key and state. Afterwards its id answers INVALID_REQUEST_ID.
func (s *Server) handleBatchDelete(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	b, err := s.tenantBatch(ctx, r.PathValue("request_id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.Intake.Erase(ctx, b); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.ended.forget(b.ID)
	s.Log.Info("batch erased", "request_id", b.ID, "tenant", b.Tenant)
	s.writeOK(w, http.StatusOK, "batch erased", batchErased{RequestID: b.ID, Erased: true})
}

// handleBatchRetry makes a child batch of the parent's retryable rows (of
// the codes asked for), read from the parent's stored input so that they
// keep their row numbers.
func (s *Server) handleBatchRetry(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	parent, err := s.tenantBatch(ctx, r.PathValue("request_id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var codes []string
	if c := r.URL.Query().Get("codes"); c != "" {
		for _, code := range strings.Split(c, ",") {
			codes = append(codes, strings.ToUpper(strings.TrimSpace(code)))
		}
	}
	child, err := s.Intake.Retry(ctx, bulkverify.RetryRequest{Parent: parent, Codes: codes, Provider: func(name string) (bulkverify.Spec, error) {
		spec, err := s.spec(name)
		if err == nil {
			err = s.providerAllowed(parent.Tenant, name)
		}
		return spec, err
	}})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.Metrics.Retries.WithLabelValues(parent.Provider).Inc()
	s.countRows(child)
	s.writeOK(w, http.StatusAccepted, "retry batch accepted", accepted(child))
}
