package batchcsv

import (
	"bytes"
	"encoding/csv"
	"io"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// records reads a segment's records as encoding/csv reads them in the
// stream. A line without a quote is split at its commas by hand, its
// fields slices of one string of the whole segment: no allocation per
// row. A record with a quote is handed alone to encoding/csv: it ends at
// the first line end after which its quotes are even in number (see
// cutter), so encoding/csv reads it, or fails on it, as in the stream.
type records struct {
	s    *segment
	text string // s.data as a string
	pos  int    // where the next line starts in text
	line int    // the line pos is on
	rec  []string
	cr   *csv.Reader // reads the quoted records fed to it
	feed feed
	fed  int  // the lines fed to cr before the current record
	tail bool // cr reads the rest of the segment, then its error
	// checked is true when the last record is known to be UTF-8 text
	// with no NUL, as checkText wants: its line was checked whole, which
	// is the same as checking its fields, cut at commas.
	checked bool
}

func newRecords(s *segment) *records {
	r := &records{s: s, line: s.line}
	r.cr = newReader(&r.feed)
	r.cr.ReuseRecord = true // a record does not outlive the next read
	if s.err != nil {
		// The tail of an input cut short: encoding/csv reads it whole
		// and meets the error as it did in the stream.
		r.tail = true
		r.feed = feed{b: s.data, err: s.err}
		return r
	}
	// No copy: the cutter never writes a segment's bytes once cut, and
	// a string kept from them only keeps them alive.
	r.text = unsafe.String(unsafe.SliceData(s.data), len(s.data))
	return r
}

// next returns the next record, the line it starts on and the input
// offset after it; io.EOF after the last.
func (r *records) next() ([]string, int, int64, error) {
	r.checked = false
	if r.tail {
		rec, err := r.cr.Read()
		if err != nil {
			return nil, 0, 0, shiftLines(err, r.s.line-1)
		}
		line, _ := r.cr.FieldPos(0)
		return rec, line + r.s.line - 1, r.s.offset + r.cr.InputOffset(), nil
	}
	for r.pos < len(r.text) {
		lineText, end := r.text[r.pos:], len(r.text)
		if nl := strings.IndexByte(lineText, '\n'); nl >= 0 {
			lineText, end = lineText[:nl], r.pos+nl+1
		}
		if strings.IndexByte(lineText, '"') >= 0 {
			return r.quoted()
		}
		line := r.line
		r.pos, r.line = end, r.line+1
		// encoding/csv reads a CRLF line end as LF, and drops a CR that
		// ends the input
		lineText = strings.TrimSuffix(lineText, "\r")
		if lineText != "" { // encoding/csv skips a blank line
			r.checked = strings.IndexByte(lineText, 0) < 0 && utf8.ValidString(lineText)
			return r.split(lineText), line, r.s.offset + int64(end), nil
		}
	}
	return nil, 0, 0, io.EOF
}

// split cuts a line with no quote at its commas into r.rec.
func (r *records) split(line string) []string {
	rec := r.rec[:0]
	for {
		i := strings.IndexByte(line, ',')
		if i < 0 {
			break
		}
		rec = append(rec, line[:i])
		line = line[i+1:]
	}
	r.rec = append(rec, line)
	return r.rec
}

// quoted reads the record with a quote that starts at r.pos with
// encoding/csv.
func (r *records) quoted() ([]string, int, int64, error) {
	end, lines := recordEnd(r.s.data, r.pos)
	r.feed.b = r.s.data[r.pos:end]
	rec, err := r.cr.Read()
	shift := r.line - r.fed - 1 // from the lines cr has read to the input's
	if err != nil {
		return nil, 0, 0, shiftLines(err, shift)
	}
	line := r.line
	r.pos, r.line, r.fed = end, r.line+lines, r.fed+lines
	return rec, line, r.s.offset + int64(end), nil
}

// recordEnd returns where the record that starts at from in data ends:
// after the first line end after which its quotes are even in number, or
// at the end of data; and how many line ends it holds.
func recordEnd(data []byte, from int) (int, int) {
	odd, lines := false, 0
	for start := from; ; {
		nl := bytes.IndexByte(data[start:], '\n')
		if nl < 0 {
			return len(data), lines
		}
		if bytes.Count(data[start:start+nl], quote)%2 == 1 {
			odd = !odd
		}
		start += nl + 1
		lines++
		if !odd {
			return start, lines
		}
	}
}

// feed gives encoding/csv the bytes of one record at a time, then EOF
// until it is fed again; or its bytes and then err.
type feed struct {
	b   []byte
	err error
}

func (f *feed) Read(p []byte) (int, error) {
	if len(f.b) == 0 {
		if f.err != nil {
			return 0, f.err
		}
		return 0, io.EOF
	}
	n := copy(p, f.b)
	f.b = f.b[n:]
	return n, nil
}
