package batchcsv

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bulkverify/bulkverify"
)

// FuzzSplit feeds intake arbitrary files: it must not panic; a file it
// accepts must read back chunk by chunk to the same number of rows, in
// order; a file it rejects gets a user error with a short message.
func FuzzSplit(f *testing.F) {
	examples, _ := filepath.Glob("../examples/*.csv")
	for _, name := range examples {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b, uint8(3))
		}
	}
	for _, s := range []string{
		"\ufeff\ufeffaccess_token,doctype\rverified-1,PANCR\r",
		"access_token,doctype\n\"t\n1\",PANCR\nt2,\"PA\"\"N\"\n",
		"access_token,doctype,access_token\nx,y,z\n",
		"access_token\n",
		"\x00\xff",
		"reference_id,access_token,doctype\nr,t,PANCR\nr,t,PANCR\nr2,t,PANCR\n",
	} {
		f.Add([]byte(s), uint8(1))
	}
	f.Fuzz(func(t *testing.T, data []byte, size uint8) {
		normalized, _ := io.ReadAll(NormalizeNewlines(bytes.NewReader(data)))
		plan, err := Split(bytes.NewReader(normalized), digilockerSpec, Options{ChunkSize: int(size%7) + 1, MaxProblems: 5})
		if err != nil {
			if code := bulkverify.ErrorCode(err); code == bulkverify.EInternal {
				t.Fatalf("got an internal error for a bad file: %v", err)
			}
			return
		}
		next, rows := 1, 0
		for _, c := range plan.Chunks {
			got, _, err := ReadRows(io.NewSectionReader(bytes.NewReader(normalized), c.Offset, c.Length), plan.Header, c, digilockerSpec)
			if err != nil || len(got) != c.Rows {
				t.Fatalf("chunk %d: read %d rows (%v), planned %d", c.Index, len(got), err, c.Rows)
			}
			for _, r := range got {
				if r.Number != next {
					t.Fatalf("chunk %d: row %d where %d was expected", c.Index, r.Number, next)
				}
				next++
			}
			rows += len(got)
		}
		if rows != plan.TotalRows || plan.Duplicates+plan.RejectedRows > plan.TotalRows {
			t.Fatalf("read %d rows back, planned %d (%d rejected, %d duplicates)", rows, plan.TotalRows, plan.RejectedRows, plan.Duplicates)
		}
	})
}

// fuzzHeaderBytes is FuzzSplitLimits' bound on the header, small so that
// fuzzed files cross it.
const fuzzHeaderBytes = 256

// FuzzSplitLimits feeds intake arbitrary files under small limits of
// columns, line length and rows. A file it accepts is within every limit
// and is planned as without limits, in at most MaxChunks chunks; a file it
// refuses for a limit crosses that limit, as a plain encoding/csv read
// shows; any other refusal is the one an unbounded split gives.
func FuzzSplitLimits(f *testing.F) {
	for _, s := range []struct {
		data              string
		cols, line, rows_ uint16
	}{
		{"access_token,doctype,a,b,c\nt,PANCR,1,2,3\n", 3, 100, 5},                                                       // header too wide
		{"access_token,doctype," + strings.Repeat("c", 300) + "\nt,PANCR,1\n", 10, 100, 5},                               // header too long
		{"access_token,doctype\nt1,PANCR\n" + strings.Repeat("x", 200) + ",PANCR\nt3,PANCR\n", 10, 50, 5},                // line too long
		{"access_token,doctype\nt1,\"" + strings.Repeat("a\n", 60) + "\"\nt3,PANCR\n", 10, 50, 5},                        // a long record of short lines
		{"access_token,doctype\nt1,\"PANCR\n" + strings.Repeat("t,PANCR\n", 20), 10, 50, 5},                              // an unclosed quote
		{"access_token,doctype\r\nt1,PANCR\r\n\r\nt2,PANCR\r\nt3,PANCR\r\nt4,PANCR\r\n", 10, 50, 3},                      // too many rows
		{"\ufeffreference_id,access_token,doctype\nr,t,PANCR\nr,t,PANCR\nr2,t,PANCR\nr3,\"t\"\"x\",PANCR\n", 10, 20, 30}, // within every limit
	} {
		f.Add([]byte(s.data), s.cols, s.line, s.rows_)
	}
	f.Fuzz(func(t *testing.T, data []byte, cols, line, rows uint16) {
		normalized, _ := io.ReadAll(NormalizeNewlines(bytes.NewReader(data)))
		opts := Options{ChunkSize: 2, MaxChunks: 3, MaxProblems: 5, MaxColumns: int(cols%16) + 1,
			MaxHeaderBytes: fuzzHeaderBytes, MaxLineBytes: int(line%512) + 1, MaxRows: int(rows%40) + 1}
		plan, err := Split(bytes.NewReader(normalized), digilockerSpec, opts)
		free, freeErr := Split(bytes.NewReader(normalized), digilockerSpec, Options{ChunkSize: 2, MaxProblems: 5})
		recs, csvErr := plainRecords(normalized)
		if err == nil {
			checkWithinLimits(t, normalized, plan, opts, recs)
			if freeErr != nil || free.TotalRows != plan.TotalRows || free.RejectedRows != plan.RejectedRows || free.Duplicates != plan.Duplicates {
				t.Fatalf("accepted %d rows (%d rejected, %d duplicates); without limits: %d, %d, %d, %v",
					plan.TotalRows, plan.RejectedRows, plan.Duplicates, free.TotalRows, free.RejectedRows, free.Duplicates, freeErr)
			}
			return
		}
		switch bulkverify.ErrorCode(err) {
		case bulkverify.ETooManyColumns:
			if csvErr == nil && len(recs) > 0 && recs[0].fields <= opts.MaxColumns && recs[0].bytes <= fuzzHeaderBytes-bomLen(normalized) {
				t.Fatalf("%v, but the header has %d columns and %d bytes", err, recs[0].fields, recs[0].bytes)
			}
		case bulkverify.ELineTooLong:
			if csvErr == nil && !slices.ContainsFunc(recs[min(1, len(recs)):], func(r plainRecord) bool { return r.bytes > opts.MaxLineBytes }) {
				t.Fatalf("%v, but no record is longer than %d bytes", err, opts.MaxLineBytes)
			}
		case bulkverify.ETooManyRows:
			if csvErr == nil && len(recs)-1 <= opts.MaxRows {
				t.Fatalf("%v, but the file has %d rows", err, len(recs)-1)
			}
		case bulkverify.EInternal:
			t.Fatalf("got an internal error for a bad file: %v", err)
		default:
			if freeErr == nil || freeErr.Error() != err.Error() {
				t.Fatalf("got %v; without limits, %v", err, freeErr)
			}
		}
	})
}

// checkWithinLimits fails t unless an accepted plan and the file's
// records are within opts' limits.
func checkWithinLimits(t *testing.T, data []byte, plan Plan, opts Options, recs []plainRecord) {
	t.Helper()
	if len(plan.Header) > opts.MaxColumns || recs[0].bytes > fuzzHeaderBytes {
		t.Fatalf("accepted a header of %d columns and %d bytes", len(plan.Header), recs[0].bytes)
	}
	for _, r := range recs[1:] {
		if r.bytes > opts.MaxLineBytes {
			t.Fatalf("accepted line %d of %d bytes, over %d", r.line, r.bytes, opts.MaxLineBytes)
		}
	}
	if plan.TotalRows > opts.MaxRows || len(plan.Chunks) > opts.MaxChunks {
		t.Fatalf("accepted %d rows in %d chunks, over %d rows or %d chunks", plan.TotalRows, len(plan.Chunks), opts.MaxRows, opts.MaxChunks)
	}
	n := 0
	for _, c := range plan.Chunks {
		got, _, err := ReadRows(io.NewSectionReader(bytes.NewReader(data), c.Offset, c.Length), plan.Header, c, digilockerSpec)
		if err != nil || len(got) != c.Rows {
			t.Fatalf("chunk %d: read %d rows (%v), planned %d", c.Index, len(got), err, c.Rows)
		}
		n += len(got)
	}
	if n != plan.TotalRows {
		t.Fatalf("read %d rows back, planned %d", n, plan.TotalRows)
	}
}

// plainRecord is a record as encoding/csv reads it, without limits.
type plainRecord struct {
	line, fields int
	bytes        int // its own bytes: neither the blank lines before it nor its line end
}

// plainRecords reads data's records (after a BOM) with encoding/csv alone.
func plainRecords(data []byte) ([]plainRecord, error) {
	data = bytes.TrimPrefix(data, utf8BOM)
	cr := newReader(bytes.NewReader(data))
	var out []plainRecord
	for {
		from := cr.InputOffset()
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		raw := data[from:cr.InputOffset()]
		for len(raw) > 0 && (raw[0] == '\n' || bytes.HasPrefix(raw, []byte("\r\n"))) {
			raw = raw[bytes.IndexByte(raw, '\n')+1:]
		}
		raw = bytes.TrimSuffix(raw, []byte("\n"))
		raw = bytes.TrimSuffix(raw, []byte("\r"))
		line, _ := cr.FieldPos(0)
		out = append(out, plainRecord{line: line, fields: len(rec), bytes: len(raw)})
	}
}

func bomLen(data []byte) int {
	if bytes.HasPrefix(data, utf8BOM) {
		return len(utf8BOM)
	}
	return 0
}
