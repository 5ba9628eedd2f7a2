package batchcsv

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/bulkverify/bulkverify"
)

// The columns of output.csv and of the parts are bulkverify.Result's csv
// tags, in field order, and of errors.csv ErrorRow's; gocsv writes them
// the same way (TestRecordsMatchGocsv keeps them in step). Writing and
// reading them by hand rather than by reflection takes a fifth of the CPU,
// which is what assembling a million rows costs.

// ResultHeader is the header of output.csv.
var ResultHeader = []string{"row_number", "reference_id", "status", "code", "message", "retryable",
	"document_type", "document_id", "issuer", "sha256", "size", "mime", "attempts", "verified_at"}

// ErrorHeader is the header of errors.csv.
var ErrorHeader = []string{"row_number", "reference_id", "code", "message", "retryable"}

// AppendResult appends r's cells to rec[:0] and returns it.
func AppendResult(rec []string, r bulkverify.Result) []string {
	return append(rec[:0], strconv.Itoa(r.RowNumber), r.ReferenceID, string(r.Status), string(r.Code), r.Message,
		strconv.FormatBool(r.Retryable), r.DocumentType, r.DocumentID, r.Issuer, r.SHA256, r.Size, r.MIME,
		strconv.Itoa(r.Attempts), r.VerifiedAt)
}

// AppendErrorRow appends the errors.csv cells of a FAILED result to
// rec[:0] and returns it.
func AppendErrorRow(rec []string, r bulkverify.Result) []string {
	return append(rec[:0], strconv.Itoa(r.RowNumber), r.ReferenceID, string(r.Code), r.Message, strconv.FormatBool(r.Retryable))
}

// ParseResult reads back the cells AppendResult wrote.
func ParseResult(rec []string) (bulkverify.Result, error) {
	if len(rec) != len(ResultHeader) {
		return bulkverify.Result{}, fmt.Errorf("%d cells, want %d", len(rec), len(ResultHeader))
	}
	row, err := strconv.Atoi(rec[0])
	if err != nil {
		return bulkverify.Result{}, fmt.Errorf("row_number %q: %w", rec[0], err)
	}
	retryable, err := parseBool(rec[5])
	if err != nil {
		return bulkverify.Result{}, fmt.Errorf("row %d: retryable %q: %w", row, rec[5], err)
	}
	attempts := 0
	if rec[12] != "" {
		if attempts, err = strconv.Atoi(rec[12]); err != nil {
			return bulkverify.Result{}, fmt.Errorf("row %d: attempts %q: %w", row, rec[12], err)
		}
	}
	return bulkverify.Result{
		RowNumber: row, ReferenceID: rec[1], Status: bulkverify.Status(rec[2]), Code: bulkverify.Code(rec[3]), Message: rec[4],
		Retryable: retryable, DocumentType: rec[6], DocumentID: rec[7], Issuer: rec[8], SHA256: rec[9], Size: rec[10], MIME: rec[11],
		Attempts: attempts, VerifiedAt: rec[13],
	}, nil
}

// parseBool reads a bool as gocsv does: yes/no, empty for false, or
// strconv's forms.
func parseBool(s string) (bool, error) {
	switch s = strings.TrimSpace(s); {
	case s == "false", s == "", strings.EqualFold(s, "no"):
		return false, nil
	case s == "true", strings.EqualFold(s, "yes"):
		return true, nil
	}
	return strconv.ParseBool(s)
}

// PartReader reads a part's results one at a time.
type PartReader struct {
	r *csv.Reader
}

// NewPartReader returns a reader of the part in r.
func NewPartReader(r io.Reader) *PartReader {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = len(ResultHeader)
	return &PartReader{r: cr}
}

// Next returns the next result, or io.EOF after the last.
func (p *PartReader) Next() (bulkverify.Result, error) {
	rec, err := p.r.Read()
	if err != nil {
		return bulkverify.Result{}, err
	}
	return ParseResult(rec)
}
