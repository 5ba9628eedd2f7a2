package api

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/bulkverify/bulkverify"
)

// claimCounts counts one claim field's *_match values over a batch's
// rows.
type claimCounts struct {
	Match       int `json:"MATCH"`
	Mismatch    int `json:"MISMATCH"`
	Unavailable int `json:"UNAVAILABLE"`
	NotClaimed  int `json:"NOT_CLAIMED"`
}

// add counts m.
func (c *claimCounts) add(m bulkverify.Match) error {
	switch m {
	case bulkverify.MatchOK:
		c.Match++
	case bulkverify.MatchMismatch:
		c.Mismatch++
	case bulkverify.MatchUnavailable:
		c.Unavailable++
	case bulkverify.MatchNotClaimed:
		c.NotClaimed++
	default:
		return fmt.Errorf("unexpected match value %q", m)
	}
	return nil
}

// mismatchedRow is a row of output.csv with a MISMATCH claim: its outcome
// and how each claim compared, never a claimed or a document's value.
type mismatchedRow struct {
	RowNumber           int               `json:"row_number"`
	ReferenceID         string            `json:"reference_id"`
	Status              bulkverify.Status `json:"status"`
	Code                bulkverify.Code   `json:"code"`
	DocumentNumberMatch bulkverify.Match  `json:"document_number_match"`
	NameMatch           bulkverify.Match  `json:"name_match"`
	NameScore           *int              `json:"name_score"`
	DOBMatch            bulkverify.Match  `json:"dob_match"`
	GenderMatch         bulkverify.Match  `json:"gender_match"`
	ClaimsSource        string            `json:"claims_source"`
}

// claimSummary is the data of the claims answer.
type claimSummary struct {
	RequestID string `json:"request_id"`
	// Fields counts, for each claim the batch's provider checks, how its
	// rows compared.
	Fields     map[string]*claimCounts `json:"fields"`
	Mismatched []mismatchedRow         `json:"mismatched"`
	Truncated  bool                    `json:"truncated"`
}

// handleBatchClaims answers how a finished batch's claims compared with
// the documents: per claim field, how many rows matched, mismatched, could
// not be compared or did not claim it, and the first mismatched rows. It
// streams the batch's output.csv from the store.
func (s *Server) handleBatchClaims(w http.ResponseWriter, r *http.Request) {
	limit, err := rowLimit(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	b, err := s.finishedBatch(r.Context(), r.PathValue("request_id"), "output.csv")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out, err := s.batchClaims(r.Context(), b, limit)
	if err != nil {
		s.writeError(w, r, fmt.Errorf("read claims of batch %s: %w", b.ID, err))
		return
	}
	s.writeOK(w, http.StatusOK, "Batch claims fetched successfully", out)
}

// batchClaims reads the claims of b's output.csv that its provider checks;
// a provider that checks none needs no read.
func (s *Server) batchClaims(ctx context.Context, b bulkverify.Batch, limit int) (claimSummary, error) {
	fields := comparedClaims(s.Specs[b.Provider])
	if len(fields) == 0 {
		return claimSummary{RequestID: b.ID, Fields: map[string]*claimCounts{}, Mismatched: []mismatchedRow{}}, nil
	}
	body, err := s.Files.OpenOutput(ctx, b.ID)
	if err != nil {
		return claimSummary{}, err
	}
	defer body.Close()
	out, err := readClaims(body, fields, limit)
	out.RequestID = b.ID
	return out, err
}

// readClaims counts the fields' *_match values over every row of an
// output.csv, one record at a time, and keeps up to limit mismatched rows.
func readClaims(r io.Reader, fields []string, limit int) (claimSummary, error) {
	out := claimSummary{Fields: map[string]*claimCounts{}, Mismatched: []mismatchedRow{}}
	for _, f := range fields {
		out.Fields[f] = &claimCounts{}
	}
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return out, fmt.Errorf("header: %w", err)
	}
	cols, err := newOutputColumns(header)
	if err != nil {
		return out, err
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		if err := out.add(cols, rec, limit); err != nil {
			return out, err
		}
	}
}

// add counts one output.csv record, and keeps it when it has a mismatch
// and fewer than limit are kept.
func (out *claimSummary) add(cols outputColumns, rec []string, limit int) error {
	mismatch := false
	for f, counts := range out.Fields {
		m := cols.match(rec, f)
		if err := counts.add(m); err != nil {
			return fmt.Errorf("row %s: %s_match: %w", cols.cell(rec, "row_number"), f, err)
		}
		mismatch = mismatch || m == bulkverify.MatchMismatch
	}
	switch {
	case !mismatch:
		return nil
	case len(out.Mismatched) == limit:
		out.Truncated = true
		return nil
	}
	row, err := cols.mismatchedRow(rec)
	if err != nil {
		return err
	}
	out.Mismatched = append(out.Mismatched, row)
	return nil
}

// outputColumns finds output.csv's cells by header name, whatever their
// order.
type outputColumns map[string]int

// outputRequired are the columns without which output.csv cannot be read;
// a missing claim column reads as empty (an output of before the claims).
var outputRequired = []string{"row_number", "reference_id", "status", "code"}

func newOutputColumns(header []string) (outputColumns, error) {
	cols := outputColumns{}
	for i, name := range header {
		cols[strings.ToLower(strings.TrimSpace(name))] = i
	}
	for _, name := range outputRequired {
		if _, ok := cols[name]; !ok {
			return nil, fmt.Errorf("no column %s in output.csv's header %q", name, cut(strings.Join(header, ",")))
		}
	}
	return cols, nil
}

// cell returns rec's cell of column name, or "" when there is none.
func (c outputColumns) cell(rec []string, name string) string {
	if i, ok := c[name]; ok && i < len(rec) {
		return rec[i]
	}
	return ""
}

// match returns rec's <claim>_match value; an empty or missing cell (an
// output written before the claim columns) is NOT_CLAIMED.
func (c outputColumns) match(rec []string, claim string) bulkverify.Match {
	if m := c.cell(rec, claim+"_match"); m != "" {
		return bulkverify.Match(m)
	}
	return bulkverify.MatchNotClaimed
}

func (c outputColumns) mismatchedRow(rec []string) (mismatchedRow, error) {
	n, err := strconv.Atoi(c.cell(rec, "row_number"))
	if err != nil {
		return mismatchedRow{}, fmt.Errorf("row number %q", cut(c.cell(rec, "row_number")))
	}
	row := mismatchedRow{
		RowNumber: n, ReferenceID: c.cell(rec, "reference_id"),
		Status: bulkverify.Status(c.cell(rec, "status")), Code: bulkverify.Code(c.cell(rec, "code")),
		DocumentNumberMatch: c.match(rec, bulkverify.ClaimDocumentNumber), NameMatch: c.match(rec, bulkverify.ClaimName),
		DOBMatch: c.match(rec, bulkverify.ClaimDOB), GenderMatch: c.match(rec, bulkverify.ClaimGender),
		ClaimsSource: c.cell(rec, "claims_source"),
	}
	if score := c.cell(rec, "name_score"); score != "" {
		v, err := strconv.Atoi(score)
		if err != nil {
			return mismatchedRow{}, fmt.Errorf("row %d: name_score %q", n, cut(score))
		}
		row.NameScore = &v
	}
	return row, nil
}
