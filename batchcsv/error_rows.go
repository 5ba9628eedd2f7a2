package batchcsv

import (
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/bulkverify/bulkverify"
)

// ErrorReader reads back a batch's errors.csv, one ErrorRow at a time. It
// is the one reader of errors.csv: the errors endpoint and the retry of a
// batch's failed rows both use it.
type ErrorReader struct {
	cr                              *csv.Reader
	iRow, iRef, iCode, iMsg, iRetry int
}

// NewErrorReader reads the header of the errors.csv in r, finding its
// columns by name.
func NewErrorReader(r io.Reader) (*ErrorReader, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("errors.csv header: %w", err)
	}
	col := func(name string) int { return slices.Index(header, name) }
	e := &ErrorReader{cr: cr, iRow: col("row_number"), iRef: col("reference_id"), iCode: col("code"), iMsg: col("message"), iRetry: col("retryable")}
	if e.iRow < 0 || e.iRef < 0 || e.iCode < 0 || e.iMsg < 0 || e.iRetry < 0 {
		return nil, fmt.Errorf("errors.csv: unexpected header %q", header)
	}
	return e, nil
}

// Next returns the next row, or io.EOF after the last one.
func (e *ErrorReader) Next() (ErrorRow, error) {
	rec, err := e.cr.Read()
	if err != nil {
		return ErrorRow{}, err
	}
	n, err := strconv.Atoi(rec[e.iRow])
	if err != nil {
		return ErrorRow{}, fmt.Errorf("errors.csv: row number %q", rec[e.iRow])
	}
	return ErrorRow{
		RowNumber: n, ReferenceID: rec[e.iRef], Code: bulkverify.Code(rec[e.iCode]), Message: rec[e.iMsg],
		Retryable: rec[e.iRetry] == "true",
	}, nil
}
