package batchcsv

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/bulkverify/bulkverify"
)

// MaxHeaderBytes is the longest header line intake accepts: a longer one is
// TOO_MANY_COLUMNS, however few columns it has.
const MaxHeaderBytes = 64 << 10

// recordTooLong is the error a recordGuard gives once a record passes its
// bound.
type recordTooLong struct {
	line   int  // the line the record starts on
	header bool // the record is the header
	limit  int
}

func (e *recordTooLong) Error() string {
	return fmt.Sprintf("line %d: record longer than %d bytes", e.line, e.limit)
}

// recordGuard passes its reader's bytes on until a CSV record grows past
// its bound, then fails: encoding/csv reads a whole record into memory
// before it parses it, so the bound must cut the stream, not the record.
//
// A newline ends a record when the record so far holds an even number of
// quotes: in a file encoding/csv accepts, quotes come only in pairs around
// and inside quoted fields, so an odd count means a quoted field is open.
// A file where the count misleads has a stray quote, which encoding/csv
// refuses at that record, before the guard's bound is reached.
type recordGuard struct {
	r io.Reader
	// header and line bound the first non-blank record and the others;
	// 0 is unbounded.
	header, line int
	n            int  // bytes of the current record so far
	odd          bool // the current record has an odd number of quotes
	seenHeader   bool // a non-blank record has ended
	lines        int  // newlines read
	start        int  // the line the current record starts on
	last         byte // the last byte of the current record so far
	err          error
}

func newRecordGuard(r io.Reader, header, line int) *recordGuard {
	return &recordGuard{r: r, header: header, line: line, start: 1}
}

func (g *recordGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	if k := g.scan(p[:n]); k >= 0 {
		g.err = &recordTooLong{line: g.start, header: !g.seenHeader, limit: g.limit()}
		return k, g.err
	}
	return n, err
}

// linesRead returns the line that br, which reads g, reads next: the
// newlines g passed on, less those br holds unread, and one.
func (g *recordGuard) linesRead(br *bufio.Reader) int {
	held, _ := br.Peek(br.Buffered())
	return g.lines - bytes.Count(held, newline) + 1
}

// limit returns the bound of the current record, 0 for none.
func (g *recordGuard) limit() int {
	if g.seenHeader {
		return g.line
	}
	return g.header
}

// scan follows records through p and returns how many bytes of p stay
// within the bound, or -1 when all do.
func (g *recordGuard) scan(p []byte) int {
	for off := 0; off < len(p); {
		seg := p[off:]
		nl := bytes.IndexByte(seg, '\n')
		if nl >= 0 {
			seg = seg[:nl]
		}
		if limit := g.limit(); limit > 0 && g.n+len(seg)-g.pendingCR(seg) > limit {
			return max(off+limit-g.n, off)
		}
		g.n += len(seg)
		if len(seg) > 0 {
			g.last = seg[len(seg)-1]
		}
		if bytes.Count(seg, quote)%2 == 1 {
			g.odd = !g.odd
		}
		if nl < 0 {
			return -1
		}
		off += nl + 1
		g.lines++
		switch {
		case g.odd: // a line break inside a quoted field
			g.n++
			g.last = '\n'
		default:
			blank := g.n == 0 || (g.n == 1 && g.last == '\r') // encoding/csv skips blank lines
			g.seenHeader = g.seenHeader || !blank
			g.n, g.start = 0, g.lines+1
		}
	}
	return -1
}

var quote = []byte{'"'}

// pendingCR is 1 when the record read so far, seg included, ends with a
// CR, which may be the start of a CRLF line end: that is not part of the
// record.
func (g *recordGuard) pendingCR(seg []byte) int {
	last := g.last
	if len(seg) > 0 {
		last = seg[len(seg)-1]
	} else if g.n == 0 {
		return 0
	}
	if last == '\r' {
		return 1
	}
	return 0
}

// limitError turns a recordTooLong into the user's error, or returns nil.
func limitError(err error) error {
	var tl *recordTooLong
	if !errors.As(err, &tl) {
		return nil
	}
	if tl.header {
		return bulkverify.Errorf(bulkverify.ETooManyColumns,
			"line 1: the header is longer than %s: keep only the columns the provider reads, and upload the file again",
			byteSize(tl.limit))
	}
	return bulkverify.Errorf(bulkverify.ELineTooLong,
		"line %d: the record is longer than %s, the most this service reads in one row: shorten its fields (a quote left open runs on across lines: close it) and upload the file again",
		tl.line, byteSize(tl.limit))
}

// byteSize writes n bytes as KB or MB when it is a whole number of them.
func byteSize(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// checkColumns refuses a header of more than max columns (0: any).
func checkColumns(header []string, max int) error {
	if max > 0 && len(header) > max {
		return bulkverify.Errorf(bulkverify.ETooManyColumns,
			"line 1: the header has %d columns, more than the %d this service accepts: keep only the columns the provider reads, and upload the file again",
			len(header), max)
	}
	return nil
}

// tooManyRows is the error for a file with more than max data rows.
func tooManyRows(max, line int) error {
	return bulkverify.Errorf(bulkverify.ETooManyRows,
		"line %d: the file has more than %d data rows, the most one batch may hold: split it into batches of at most %d rows each",
		line, max, max)
}
