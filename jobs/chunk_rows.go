package jobs

import (
	"fmt"
	"io"

	"github.com/bulkverify/bulkverify"
)

// ReadRows parses the bytes of one chunk, as cut by Split, back into rows. It
// returns each row with the reason it is invalid, or "".
func ReadRows(r io.Reader, header []string, firstRow int, spec bulkverify.Spec) ([]bulkverify.Row, []string, error) {
	cr := newReader(r)
	var rows []bulkverify.Row
	var reasons []string
	for n := firstRow; ; n++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return rows, reasons, nil
		}
		if err != nil {
			return nil, nil, fmt.Errorf("parse chunk at row %d: %w", n, err)
		}
		row, reason := RowFrom(header, rec, n, spec)
		rows = append(rows, row)
		reasons = append(reasons, reason)
	}
}
