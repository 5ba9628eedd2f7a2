package sila

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bulkverify/bulkverify/provider"
	"github.com/bulkverify/bulkverify/provider/simulation"
)

// Simulator paging, as the seed gives it.
const (
	SimDefaultPerPage = 20
	SimMaxPerPage     = 100
	maxRequestBytes   = 1 << 20
)

// SimConfig configures a Simulator.
type SimConfig struct {
	// AccessToken is the bearer token the simulator accepts; "" accepts
	// any but SimForbiddenToken.
	AccessToken string
	// AppHandle is the app_handle the token belongs to; "" accepts any.
	AppHandle string
	// Faults adds latency, random errors and an own rate limit. Injected
	// answers carry Sila's failure envelope.
	Faults simulation.Faults
}

// Simulator answers POST /0.2/list_documents like Sila (seed 001) for the
// simulated users listed with UserComplete. It is deterministic and safe
// for concurrent use.
type Simulator struct {
	simulation.Server
	token     string
	appHandle string
	calls     simulation.Counter // requests so far, by user handle
}

// NewSimulator returns a Simulator for cfg.
func NewSimulator(cfg SimConfig) *Simulator {
	s := &Simulator{token: cfg.AccessToken, appHandle: cfg.AppHandle}
	s.Server = simulation.NewServer(cfg.Faults, faultBody, simulation.Routes{
		"POST /0.2/list_documents": s.handleListDocuments,
	})
	return s
}

// UserKinds returns the simulated user kinds, sorted.
func UserKinds() []string { return simulation.Kinds(users) }

// simRequest is a list_documents body as the simulator reads it: the
// header is a pointer so that a missing one can be told apart.
type simRequest struct {
	Header    *Header  `json:"header"`
	Message   string   `json:"message"`
	StartDate string   `json:"start_date"`
	EndDate   string   `json:"end_date"`
	DocTypes  []string `json:"doc_types"`
	Search    string   `json:"search"`
	SortBy    string   `json:"sort_by"`
}

// paging is the query of a list request.
type paging struct {
	page, perPage int
	desc          bool
}

func (s *Simulator) handleListDocuments(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	var req simRequest
	bodyErr := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxRequestBytes)).Decode(&req)
	ref := ""
	if req.Header != nil {
		ref = req.Header.Reference
	}
	if status, msg := s.authorize(r); status != 0 {
		writeFailure(w, status, ref, msg, nil)
		return
	}
	if bodyErr != nil {
		writeFailure(w, http.StatusBadRequest, ref, MsgBadRequest, ValidationDetails{"": "the body is not a header_msg JSON object"})
		return
	}
	if d := checkHeader(req); len(d) > 0 {
		writeFailure(w, http.StatusBadRequest, ref, MsgBadRequest, d)
		return
	}
	if s.appHandle != "" && req.Header.AppHandle != s.appHandle {
		writeFailure(w, http.StatusBadRequest, ref, MsgAppHandle, ValidationDetails{"header.app_handle": fmt.Sprintf("%q is not the app of the access token", req.Header.AppHandle)})
		return
	}
	p, d := checkQuery(r)
	for k, v := range checkFilters(req) {
		d[k] = v
	}
	if len(d) > 0 {
		msg := MsgBadRequest
		if _, ok := d["doc_types"]; ok && len(d) == 1 {
			msg = MsgInvalidDocTypes
		}
		writeFailure(w, http.StatusBadRequest, ref, msg, d)
		return
	}
	s.answer(w, req, p, start)
}

// authorize checks the bearer token: 401 for a wrong one, 403 for
// SimForbiddenToken, 0 when it is good.
func (s *Simulator) authorize(r *http.Request) (int, string) {
	token := simulation.Bearer(r)
	switch {
	case token == "":
		return http.StatusUnauthorized, MsgBadToken
	case token == SimForbiddenToken:
		return http.StatusForbidden, MsgNotPermitted
	case s.token != "" && token != s.token:
		return http.StatusUnauthorized, MsgBadToken
	}
	return 0, ""
}

// checkHeader returns what is wrong with the header_msg fields.
func checkHeader(req simRequest) ValidationDetails {
	const missing = "Missing data for required field."
	d := ValidationDetails{}
	if req.Message != HeaderMessage {
		d["message"] = fmt.Sprintf("must be %q", HeaderMessage)
	}
	h := req.Header
	if h == nil {
		d["header"] = missing
		return d
	}
	if h.Created <= 0 {
		d["header.created"] = "must be the request time in Unix seconds"
	}
	if strings.TrimSpace(h.AppHandle) == "" {
		d["header.app_handle"] = missing
	}
	if strings.TrimSpace(h.UserHandle) == "" {
		d["header.user_handle"] = missing
	}
	if h.Version != "" && h.Version != HeaderVersion {
		d["header.version"] = fmt.Sprintf("must be %q", HeaderVersion)
	}
	if h.Crypto != "" && h.Crypto != HeaderCrypto {
		d["header.crypto"] = fmt.Sprintf("must be %q", HeaderCrypto)
	}
	return d
}

// checkQuery reads page, per_page and order.
func checkQuery(r *http.Request) (paging, ValidationDetails) {
	d := ValidationDetails{}
	p := paging{page: 1, perPage: SimDefaultPerPage}
	q := r.URL.Query()
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			d["page"] = "must be a whole number from 1"
		}
		p.page = n
	}
	if v := q.Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > SimMaxPerPage {
			d["per_page"] = fmt.Sprintf("must be a whole number from 1 to %d", SimMaxPerPage)
		}
		p.perPage = n
	}
	switch q.Get("order") {
	case "", "asc":
	case "desc":
		p.desc = true
	default:
		d["order"] = "must be asc or desc"
	}
	return p, d
}

// checkFilters returns what is wrong with the body's filters.
func checkFilters(req simRequest) ValidationDetails {
	d := ValidationDetails{}
	for _, f := range []struct{ name, value string }{{"start_date", req.StartDate}, {"end_date", req.EndDate}} {
		if _, err := time.Parse(time.DateOnly, f.value); f.value != "" && err != nil {
			d[f.name] = "must be an ISO-8601 date, YYYY-MM-DD"
		}
	}
	if req.SortBy != "" && req.SortBy != "name" && req.SortBy != "date" {
		d["sort_by"] = "must be name or date"
	}
	var bad []string
	for _, t := range req.DocTypes {
		if !slices.Contains(ValidDocTypes, t) {
			bad = append(bad, t)
		}
	}
	if len(bad) > 0 {
		d["doc_types"] = "invalid doc type: " + strings.Join(bad, ", ")
	}
	return d
}

// answer gives the user's answer: its failure, or one page of its
// documents that pass the filters.
func (s *Simulator) answer(w http.ResponseWriter, req simRequest, p paging, start time.Time) {
	handle, ref := req.Header.UserHandle, req.Header.Reference
	u := userOf(handle)
	switch {
	case u.throttled:
		w.Header().Set("Retry-After", "1")
		writeFailure(w, http.StatusTooManyRequests, ref, MsgTooManyRequests, nil)
		return
	case u.down, u.flaky && s.calls.Add(handle) == 1:
		writeFailure(w, http.StatusServiceUnavailable, ref, MsgUnavailable, nil)
		return
	case u.notFound:
		writeFailure(w, http.StatusNotFound, ref, MsgUserNotFound, ValidationDetails{"header.user_handle": fmt.Sprintf("%q is not registered with this app", handle)})
		return
	case u.failure:
		writeFailure(w, http.StatusOK, ref, MsgNotCompleted, nil)
		return
	}
	docs := filter(u.documents(handle), req)
	sortDocs(docs, req.SortBy, p.desc)
	from := len(docs) // a page beyond the last is empty
	if p.page-1 < (len(docs)+p.perPage-1)/p.perPage {
		from = (p.page - 1) * p.perPage
	}
	page := append([]Document{}, docs[from:min(from+p.perPage, len(docs))]...)
	simulation.WriteJSON(w, http.StatusOK, ListDocumentsResponse{
		Success:        true,
		Status:         "SUCCESS",
		Reference:      ref,
		ResponseTimeMS: textOf(time.Since(start).Milliseconds()),
		Documents:      page,
		Pagination: Pagination{
			ReturnedCount: len(page),
			TotalCount:    len(docs),
			CurrentPage:   p.page,
			TotalPages:    (len(docs) + p.perPage - 1) / p.perPage,
		},
	})
}

// filter keeps the documents of the request's doc_types, created within
// start_date and end_date (both inclusive, by the date of created), whose
// name or filename holds search, ignoring case.
func filter(docs []Document, req simRequest) []Document {
	search := strings.ToLower(req.Search)
	var out []Document
	for _, d := range docs {
		day := d.Created[:min(len(d.Created), len(time.DateOnly))]
		switch {
		case len(req.DocTypes) > 0 && !slices.Contains(req.DocTypes, d.Type),
			req.StartDate != "" && day < req.StartDate,
			req.EndDate != "" && day > req.EndDate,
			search != "" && !strings.Contains(strings.ToLower(d.Name), search) && !strings.Contains(strings.ToLower(d.Filename), search):
			continue
		}
		out = append(out, d)
	}
	return out
}

// sortDocs orders docs by created, or by name for sort_by name, newest or
// last first when desc.
func sortDocs(docs []Document, sortBy string, desc bool) {
	key := func(d Document) string { return d.Created }
	if sortBy == "name" {
		key = func(d Document) string { return d.Name }
	}
	slices.SortStableFunc(docs, func(a, b Document) int {
		c := strings.Compare(key(a), key(b))
		if desc {
			c = -c
		}
		return c
	})
}

// faultBody is the body of an answer injected by simulation.Faults.
func faultBody(w http.ResponseWriter, status int) {
	switch {
	case status == http.StatusTooManyRequests:
		writeFailure(w, status, "", MsgTooManyRequests, nil)
	case status == http.StatusServiceUnavailable:
		writeFailure(w, status, "", MsgUnavailable, nil)
	default:
		writeFailure(w, status, "", MsgInternalError, nil)
	}
}

// writeFailure answers with Sila's failure envelope.
func writeFailure(w http.ResponseWriter, status int, ref, msg string, details ValidationDetails) {
	simulation.WriteJSON(w, status, APIError{Success: false, Status: "FAILURE", Reference: ref, Message: msg, ValidationDetails: details})
}

// simulate is Provider.Simulate: a Simulator that accepts the settings s.
// Returning it as a provider.Simulator asserts that it is one.
func simulate(s provider.Settings, f simulation.Faults) provider.Simulator {
	return NewSimulator(SimConfig{AccessToken: s.Get("ACCESS_TOKEN"), AppHandle: s.Get("APP_HANDLE"), Faults: f})
}
