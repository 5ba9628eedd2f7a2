package batchcsv

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/bulkverify/bulkverify"
)

// parsedRow is a record of a segment, read, checked and validated, as the
// merge takes it.
type parsedRow struct {
	line     int   // the line the record starts on
	end      int64 // the input offset after the record
	rejected bool
	// reason and column say why, for a segment's first MaxProblems
	// rejected rows: no more can reach Plan.Problems.
	reason, column string
	h              digest // a valid row's digest
}

// parsed is a parsed segment: its rows, then what stops the input.
type parsed struct {
	rows []parsedRow
	err  error
}

// rowParser parses segments into rows; each goroutine that parses has
// its own.
type rowParser struct {
	header []string
	spec   bulkverify.Spec
	opts   Options
	dig    digester
	fields map[string]string // the fields of a row as long as the header, reused
	none   map[string]string // the fields of any other row: none
	named  int               // the header's named columns
}

func newRowParser(header []string, spec bulkverify.Spec, opts Options, dig digester) *rowParser {
	p := &rowParser{header: header, spec: spec, opts: opts, dig: dig, fields: make(map[string]string, len(header)), none: map[string]string{}}
	p.dig.key = nil // its own buffer
	for _, name := range header {
		if name != "" {
			p.named++
		}
	}
	return p
}

// parse reads s's records as Split's loop did in the stream (see
// records): s starts where a record starts, so only its line numbers and
// offsets are shifted.
func (p *rowParser) parse(s *segment) parsed {
	recs := newRecords(s)
	out := parsed{rows: parsedRows()}
	problems := 0
	for k := s.rows + 1; ; k++ {
		rec, line, end, err := recs.next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			out.err = fileError(err)
			return out
		}
		if !recs.checked {
			if out.err = checkText(rec, line); out.err != nil {
				return out
			}
		}
		r := parsedRow{line: line, end: end}
		row, reason := p.row(rec, rowNumber(p.opts.Numbers, k))
		switch {
		case reason == "":
			r.h = p.dig.digest(rec)
		case problems < p.opts.MaxProblems:
			problems++
			r.reason, r.column = reason, problemColumn(row, rec, p.header, p.spec)
			fallthrough
		default:
			r.rejected = true
		}
		out.rows = append(out.rows, r)
	}
}

// rowBuffers holds the row slices of merged segments, for the next.
var rowBuffers sync.Pool

func parsedRows() []parsedRow {
	if b, ok := rowBuffers.Get().(*[]parsedRow); ok {
		return (*b)[:0]
	}
	return make([]parsedRow, 0, 1024)
}

// release gives p's rows back once they are merged.
func (p *parsed) release() {
	clear(p.rows) // the reasons are not kept alive
	b := p.rows[:0]
	p.rows = nil
	rowBuffers.Put(&b)
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// shiftLines moves a parse error's lines by n.
func shiftLines(err error, n int) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		pe.StartLine += n
		pe.Line += n
	}
	return err
}

// rowNumber returns the number of the k-th data row: k, or its number
// among numbers when given.
func rowNumber(numbers []int, k int) int {
	if numbers == nil {
		return k
	}
	if k <= len(numbers) {
		return numbers[k-1]
	}
	return 0
}

// row builds the row numbered n from rec, as RowFrom does, and returns why
// it cannot be verified, or "". Its fields map is reused row after row: a
// row as long as the header sets every named column, so the map needs no
// clearing unless a Check added to it.
func (p *rowParser) row(rec []string, n int) (bulkverify.Row, string) {
	if len(rec) != len(p.header) {
		clear(p.none)
		row := bulkverify.Row{Number: n, Fields: p.none}
		return row, fmt.Sprintf("the row has %d fields, the header has %d: check the row for a missing or extra comma, or a value with a comma that is not quoted", len(rec), len(p.header))
	}
	if len(p.fields) != p.named {
		clear(p.fields)
	}
	for i, name := range p.header {
		if name != "" {
			p.fields[name] = strings.TrimSpace(rec[i])
		}
	}
	row := bulkverify.Row{Number: n, Fields: p.fields}
	return row, p.spec.Validate(row)
}
