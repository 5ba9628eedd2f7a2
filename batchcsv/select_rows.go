package batchcsv

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
)

// SelectRows copies the header and the data rows numbered in want (1-based,
// as Split numbers them) from a stored input to w, as CSV. A retry batch is
// made this way from its parent's input, so that its rows keep their
// values byte for byte after parsing.
func SelectRows(r io.Reader, want map[int]bool, w io.Writer) (int, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if p, _ := br.Peek(3); bytes.Equal(p, utf8BOM) {
		br.Discard(3)
	}
	cr := newReader(br)
	cw := csv.NewWriter(w)
	header, err := cr.Read()
	if err != nil {
		return 0, fmt.Errorf("read stored input header: %w", err)
	}
	if err := cw.Write(header); err != nil {
		return 0, err
	}
	n, copied := 0, 0
	for copied < len(want) {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return copied, fmt.Errorf("read stored input at row %d: %w", n+1, err)
		}
		n++
		if !want[n] {
			continue
		}
		if err := cw.Write(rec); err != nil {
			return copied, err
		}
		copied++
	}
	cw.Flush()
	if copied != len(want) {
		return copied, fmt.Errorf("stored input holds %d of the %d rows asked for", copied, len(want))
	}
	return copied, cw.Error()
}
