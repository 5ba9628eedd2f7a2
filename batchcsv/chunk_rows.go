package batchcsv

import (
	"fmt"
	"io"

	"github.com/bulkverify/bulkverify"
)

// ReadRows parses the bytes of chunk c, as cut by Split, back into rows. It
// returns each row with the reason it is invalid, or "".
func ReadRows(r io.Reader, header []string, c Chunk, spec bulkverify.Spec) ([]bulkverify.Row, []string, error) {
	cr := newReader(r)
	var rows []bulkverify.Row
	var reasons []string
	for i := 0; ; i++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return rows, reasons, nil
		}
		if err != nil {
			return nil, nil, fmt.Errorf("parse chunk %d at its row %d: %w", c.Index, i+1, err)
		}
		if c.Numbers != nil && i >= len(c.Numbers) {
			return nil, nil, fmt.Errorf("chunk %d holds more rows than its %d numbers", c.Index, len(c.Numbers))
		}
		n := c.Number(i)
		row, reason := RowFrom(header, rec, n, spec)
		rows = append(rows, row)
		reasons = append(reasons, reason)
	}
}
