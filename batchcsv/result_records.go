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
	"document_type", "document_id", "issuer", "sha256", "size", "mime", "attempts", "verified_at",
	"document_number_match", "name_match", "name_score", "dob_match", "gender_match", "document_valid_until",
	"claims_source", "token_refreshed", "consent", "purpose", "transaction_id"}

// legacyResultCells is how many cells a part written before the claim
// columns has: such a part, left by an older worker during an upgrade,
// still reads, its claim columns NOT_CLAIMED.
const legacyResultCells = 14

// ErrorHeader is the header of errors.csv.
var ErrorHeader = []string{"row_number", "reference_id", "code", "message", "retryable"}

// AppendResult appends r's cells to rec[:0] and returns it.
func AppendResult(rec []string, r bulkverify.Result) []string {
	return append(rec[:0], strconv.Itoa(r.RowNumber), r.ReferenceID, string(r.Status), string(r.Code), r.Message,
		strconv.FormatBool(r.Retryable), r.DocumentType, r.DocumentID, r.Issuer, r.SHA256, r.Size, r.MIME,
		strconv.Itoa(r.Attempts), r.VerifiedAt,
		string(r.DocumentNumberMatch), string(r.NameMatch), r.NameScore, string(r.DOBMatch), string(r.GenderMatch), r.DocumentValidUntil,
		r.ClaimsSource, strconv.FormatBool(r.TokenRefreshed), r.Consent, r.Purpose, r.TransactionID)
}

// AppendErrorRow appends the errors.csv cells of a FAILED result to
// rec[:0] and returns it.
func AppendErrorRow(rec []string, r bulkverify.Result) []string {
	return append(rec[:0], strconv.Itoa(r.RowNumber), r.ReferenceID, string(r.Code), r.Message, strconv.FormatBool(r.Retryable))
}

// ParseResult reads back the cells AppendResult wrote.
func ParseResult(rec []string) (bulkverify.Result, error) {
	if len(rec) != len(ResultHeader) && len(rec) != legacyResultCells {
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
	r := bulkverify.Result{
		RowNumber: row, ReferenceID: rec[1], Status: bulkverify.Status(rec[2]), Code: bulkverify.Code(rec[3]), Message: rec[4],
		Retryable: retryable, DocumentType: rec[6], DocumentID: rec[7], Issuer: rec[8], SHA256: rec[9], Size: rec[10], MIME: rec[11],
		Attempts: attempts, VerifiedAt: rec[13],
		DocumentNumberMatch: bulkverify.MatchNotClaimed, NameMatch: bulkverify.MatchNotClaimed,
		DOBMatch: bulkverify.MatchNotClaimed, GenderMatch: bulkverify.MatchNotClaimed,
	}
	if len(rec) == legacyResultCells {
		return r, nil
	}
	refreshed, err := parseBool(rec[21])
	if err != nil {
		return bulkverify.Result{}, fmt.Errorf("row %d: token_refreshed %q: %w", row, rec[21], err)
	}
	r.DocumentNumberMatch, r.NameMatch, r.NameScore = bulkverify.Match(rec[14]), bulkverify.Match(rec[15]), rec[16]
	r.DOBMatch, r.GenderMatch, r.DocumentValidUntil = bulkverify.Match(rec[17]), bulkverify.Match(rec[18]), rec[19]
	r.ClaimsSource, r.TokenRefreshed = rec[20], refreshed
	r.Consent, r.Purpose, r.TransactionID = rec[22], rec[23], rec[24]
	return r, nil
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
	cr.FieldsPerRecord = -1 // ParseResult checks the count: a legacy part has fewer
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
