package batchcsv

import (
	"bytes"
	"io"
)

// segment is a run of an input's records, cut where encoding/csv would
// start a new record, so that it parses alone as it would in the stream.
type segment struct {
	data   []byte
	offset int64 // the input offset of data[0]
	line   int   // the line data starts on
	rows   int   // the records before data, as the cutter counts them
	err    error // what ended the input, when not EOF; only on the last segment
}

// segmentBytes is about how long a segment is: long enough that a
// segment's overhead is lost in its rows, short enough that the segments
// in flight stay a few MB.
const segmentBytes = 128 << 10

// readBytes bounds each read of the input: a reader that stops at a bound
// (recordGuard) is not asked for much more than the bound.
const readBytes = 64 << 10

// cutter reads an input and cuts it into segments.
//
// A newline ends a record when the quotes since the last cut are even in
// number: in a file encoding/csv accepts, quotes come in pairs around and
// inside quoted fields, so an odd count means a quoted field is open. In
// a file it refuses, the count may mislead only after the first error,
// which encoding/csv finds inside the segment, as it does in the stream.
type cutter struct {
	r      io.Reader
	size   int    // about how long a segment is
	carry  []byte // the bytes read after the last cut
	offset int64  // the input offset of carry[0]
	line   int    // the line carry starts on
	rows   int    // the records before carry
	done   bool
}

// next returns the next segment, whose data it owns and never writes
// again (records reads it as a string); after the last it returns nil.
func (c *cutter) next() *segment {
	if c.done {
		return nil
	}
	buf := make([]byte, 0, max(c.size, 2*len(c.carry), 1))
	buf = append(buf, c.carry...)
	for {
		n, err := io.ReadAtLeast(c.r, buf[len(buf):min(cap(buf), len(buf)+readBytes)], 1)
		buf = buf[:len(buf)+n]
		if err != nil {
			c.done = true
			s := &segment{data: buf, offset: c.offset, line: c.line, rows: c.rows}
			c.offset += int64(len(buf)) // the end of the input
			if err != io.EOF {
				s.err = err
			}
			return s
		}
		if len(buf) < cap(buf) {
			continue // fill the segment before cutting it
		}
		if s := c.cut(buf); s != nil {
			return s
		}
		buf = append(buf, 0)[:len(buf)] // one record fills the buffer: grow it
	}
}

// cut returns the segment of buf's whole records, keeping the rest as the
// next carry, or nil when buf ends inside its first record.
func (c *cutter) cut(buf []byte) *segment {
	end, lines, rows, nlines := 0, 0, 0, 0
	odd := false
	for start := 0; ; {
		nl := bytes.IndexByte(buf[start:], '\n')
		if nl < 0 {
			break
		}
		if bytes.IndexByte(buf[start:start+nl], '"') >= 0 && bytes.Count(buf[start:start+nl], quote)%2 == 1 {
			odd = !odd
		}
		start += nl + 1
		nlines++
		if !odd {
			rec := buf[end : start-1]
			if len(rec) > 1 || (len(rec) == 1 && rec[0] != '\r') {
				rows++ // encoding/csv skips a blank line
			}
			end, lines = start, nlines
		}
	}
	if end == 0 {
		return nil
	}
	s := &segment{data: buf[:end], offset: c.offset, line: c.line, rows: c.rows}
	c.carry = append(c.carry[:0], buf[end:]...)
	c.offset += int64(end)
	c.line += lines
	c.rows += rows
	return s
}

var newline = []byte{'\n'}
