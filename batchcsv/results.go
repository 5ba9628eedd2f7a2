package batchcsv

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/gocarina/gocsv"

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
	safe := make([]bulkverify.Result, len(results))
	for i, r := range results {
		safe[i] = EscapeResult(r)
	}
	var buf bytes.Buffer
	if err := gocsv.MarshalWithoutHeaders(safe, &buf); err != nil {
		return nil, fmt.Errorf("encode part: %w", err)
	}
	return buf.Bytes(), nil
}

// DecodePart reads back what EncodePart wrote.
func DecodePart(r io.Reader) ([]bulkverify.Result, error) {
	var out []bulkverify.Result
	if err := gocsv.UnmarshalWithoutHeaders(r, &out); err != nil {
		return nil, fmt.Errorf("decode part: %w", err)
	}
	return out, nil
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
