package batchcsv

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/bulkverify/bulkverify"
)

// ErrorRow is one line of errors.csv.
type ErrorRow struct {
	RowNumber   int             `csv:"row_number"`
	ReferenceID string          `csv:"reference_id"`
	Code        bulkverify.Code `csv:"code"`
	Message     string          `csv:"message"`
	Retryable   bool            `csv:"retryable"`
}

// ToErrorRow returns the errors.csv line of a FAILED result.
func ToErrorRow(r bulkverify.Result) ErrorRow {
	return ErrorRow{RowNumber: r.RowNumber, ReferenceID: r.ReferenceID, Code: r.Code, Message: r.Message, Retryable: r.Retryable}
}

// EncodePart renders a chunk's results as CSV lines without a header, every
// text cell escaped against formula injection.
func EncodePart(results []bulkverify.Result) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(256 * len(results))
	w := csv.NewWriter(&buf)
	rec := make([]string, 0, len(ResultHeader))
	for _, r := range results {
		rec = AppendResult(rec, EscapeResult(r))
		if err := w.Write(rec); err != nil {
			return nil, fmt.Errorf("encode part: %w", err)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, fmt.Errorf("encode part: %w", err)
	}
	return buf.Bytes(), nil
}

// DecodePart reads back what EncodePart wrote.
func DecodePart(r io.Reader) ([]bulkverify.Result, error) {
	pr := NewPartReader(r)
	var out []bulkverify.Result
	for {
		res, err := pr.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("decode part: %w", err)
		}
		out = append(out, res)
	}
}

// EscapeResult defuses every text cell of r against formula injection.
func EscapeResult(r bulkverify.Result) bulkverify.Result {
	r.ReferenceID = escapeCell(r.ReferenceID)
	r.Message = escapeCell(r.Message)
	r.DocumentType = escapeCell(r.DocumentType)
	r.DocumentID = escapeCell(r.DocumentID)
	r.Issuer = escapeCell(r.Issuer)
	r.SHA256 = escapeCell(r.SHA256)
	r.Size = escapeCell(r.Size)
	r.MIME = escapeCell(r.MIME)
	r.Consent = escapeCell(r.Consent)
	r.Purpose = escapeCell(r.Purpose)
	r.TransactionID = escapeCell(r.TransactionID)
	return r
}

// escapeCell defuses a cell a spreadsheet would run as a formula (OWASP CSV
// injection): a leading =, +, -, @, tab or carriage return gets a ' before it.
func escapeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
