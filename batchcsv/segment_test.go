package batchcsv

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/bulkverify/bulkverify"
)

// csvRecord is a record as encoding/csv gives it, with the line it starts
// on and the offset after it.
type csvRecord struct {
	fields []string
	line   int
	end    int64
}

// readAll reads data with encoding/csv alone, as Split's records, and the
// error that stops it.
func readAll(data []byte) ([]csvRecord, error) {
	cr := newReader(bytes.NewReader(data))
	var out []csvRecord
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		line, _ := cr.FieldPos(0)
		out = append(out, csvRecord{fields: rec, line: line, end: cr.InputOffset()})
	}
}

// readSegments cuts data into segments of about size bytes and reads each
// alone with encoding/csv, shifting lines and offsets as Split does.
func readSegments(data []byte, size int) ([]csvRecord, []*segment, error) {
	c := &cutter{r: bytes.NewReader(data), size: size, line: 1}
	var out []csvRecord
	var segs []*segment
	for s := c.next(); s != nil; s = c.next() {
		segs = append(segs, s)
		recs, err := readAll(s.data)
		for _, r := range recs {
			r.line += s.line - 1
			r.end += s.offset
			out = append(out, r)
		}
		if err != nil {
			return out, segs, shiftLines(err, s.line-1)
		}
	}
	return out, segs, nil
}

// The cutter cuts only where encoding/csv starts a record: every segment,
// read alone, gives the records, lines, offsets and errors of the whole.
func TestSegmentsReadAsTheWholeFile(t *testing.T) {
	for _, tt := range quotingCases {
		want, wantErr := readAll([]byte(tt.data))
		for size := 1; size <= len(tt.data)+1; size++ {
			t.Run(fmt.Sprintf("%s, segments of %d bytes", tt.name, size), func(t *testing.T) {
				got, segs, err := readSegments([]byte(tt.data), size)
				if fmt.Sprint(err) != fmt.Sprint(wantErr) {
					t.Fatalf("got error %v, want %v", err, wantErr)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("got records %v, want %v (segments %q)", got, want, segData(segs))
				}
			})
		}
	}
}

// The fast path reads every segment as encoding/csv reads the whole file:
// the same records, lines, offsets and errors.
func TestRecordsReadAsEncodingCSV(t *testing.T) {
	for _, tt := range quotingCases {
		for size := 1; size <= len(tt.data)+1; size++ {
			checkRecords(t, []byte(tt.data), size, nil)
		}
	}
}

// FuzzRecordsAsEncodingCSV compares the fast path with encoding/csv on
// arbitrary bytes cut into arbitrary segments, the input ended by EOF or
// by a read error.
func FuzzRecordsAsEncodingCSV(f *testing.F) {
	for _, tt := range quotingCases {
		f.Add([]byte(tt.data), uint8(3), false)
	}
	f.Fuzz(func(t *testing.T, data []byte, size uint8, cutShort bool) {
		var err error
		if cutShort {
			err = errors.New("connection reset")
		}
		checkRecords(t, data, int(size)+1, err)
	})
}

// checkRecords fails t unless the segments of data (about size bytes),
// read by the fast path, give what encoding/csv gives of data followed by
// readErr (nil: EOF).
func checkRecords(t *testing.T, data []byte, size int, readErr error) {
	t.Helper()
	input := func() io.Reader {
		if readErr == nil {
			return bytes.NewReader(data)
		}
		return io.MultiReader(bytes.NewReader(data), errReader{readErr})
	}
	var want []csvRecord
	cr := newReader(input())
	wantErr := error(nil)
	for {
		rec, err := cr.Read()
		if err != nil {
			if err != io.EOF {
				wantErr = err
			}
			break
		}
		line, _ := cr.FieldPos(0)
		want = append(want, csvRecord{fields: rec, line: line, end: cr.InputOffset()})
	}
	var got []csvRecord
	var gotErr error
	c := &cutter{r: input(), size: size, line: 1}
	for s := c.next(); s != nil && gotErr == nil; s = c.next() {
		recs := newRecords(s)
		for {
			rec, line, end, err := recs.next()
			if err != nil {
				if err != io.EOF {
					gotErr = err
				}
				break
			}
			got = append(got, csvRecord{fields: slices.Clone(rec), line: line, end: end})
		}
	}
	if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
		t.Fatalf("%q in segments of %d bytes: got error %v, want %v", data, size, gotErr, wantErr)
	}
	if len(got) != len(want) || (len(got) > 0 && !reflect.DeepEqual(got, want)) {
		t.Fatalf("%q in segments of %d bytes: got records %v, want %v", data, size, got, want)
	}
}

// quotingCases are the inputs where reading CSV goes wrong first.
var quotingCases = []struct{ name, data string }{
	{"plain rows with a trailing newline", "a,b\nc,d\ne,f\n"},
	{"no trailing newline", "a,b\nc,d\ne,f"},
	{"CRLF line ends", "a,b\r\nc,d\r\ne,f\r\n"},
	{"a lone CR before the end", "a,b\nc,d\r"},
	{"quotes inside fields", "a,\"b \"\"x\"\" c\"\n\"\"\"\",d\n\"e\",\"\"\n"},
	{"a comma inside quotes", "\"a,b\",c\nd,\"e,f\"\n"},
	{"newlines inside quoted fields", "a,\"b\nc\nd\"\ne,\"f\r\ng\"\nh,i\n"},
	{"a quoted field across many short lines", "a,\"" + strings.Repeat("x\n", 40) + "\"\nb,c\n"},
	{"blank lines between records", "a,b\n\n\r\nc,d\n\n"},
	{"a record longer than a segment", "a," + strings.Repeat("y", 100) + "\nb,c\n"},
	{"a bare quote", "a,b\nc,d\"e\nf,g\n"},
	{"a quote never closed", "a,b\nc,\"d\ne,f\n"},
	{"text after a closing quote", "a,b\n\"c\"d,e\nf,g\n"},
	{"a BOM kept as text", "\ufeffa,b\nc,d\n"},
	{"CRs inside unquoted fields", "a\rb,c\r\r\nd,e\r\r"},
	{"empty fields", ",\n,,\n\"\",\n"},
	{"a quoted row after plain ones", "a,b\nc,d\n\"e\",f\ng,h\n"},
	{"only blank lines", "\n\r\n\n"},
	{"a lone CR", "\r"},
}

func segData(segs []*segment) []string {
	var out []string
	for _, s := range segs {
		out = append(out, string(s.data))
	}
	return out
}

// A cut never falls inside quotes, and the cutter counts the records
// before each segment as encoding/csv does: blank lines are none, a
// quoted line break does not end one.
func TestSegmentCutsFallBetweenRecords(t *testing.T) {
	data := []byte("a\n\n\"b\nc\"\n\r\nd,\"e\r\n\"\"f\"\n\ng\n")
	all, err := readAll(data)
	if err != nil {
		t.Fatal(err)
	}
	for size := 1; size <= len(data); size++ {
		c := &cutter{r: bytes.NewReader(data), size: size, line: 1}
		var joined []byte
		for s := c.next(); s != nil; s = c.next() {
			before := 0
			for _, r := range all {
				if r.end <= s.offset {
					before++
				}
			}
			if _, err := readAll(s.data); err != nil || s.rows != before {
				t.Fatalf("segments of %d bytes: segment %q at %d: %d records before it counted, %d read (%v)", size, s.data, s.offset, s.rows, before, err)
			}
			joined = append(joined, s.data...)
		}
		if !bytes.Equal(joined, data) {
			t.Fatalf("segments of %d bytes: got %q joined, want %q", size, joined, data)
		}
	}
}

// splitCase is one input of the comparison with the reference split.
type splitCase struct {
	data              []byte
	opts              Options
	segment, workers  int
	normalizeNewlines bool
}

// checkAsReference fails t unless split gives what referenceSplit (one
// encoding/csv stream, one map per row) gives: the same plan, or the same
// error.
func checkAsReference(t *testing.T, c splitCase) {
	t.Helper()
	data := c.data
	if c.normalizeNewlines {
		data, _ = io.ReadAll(NormalizeNewlines(bytes.NewReader(data)))
	}
	want, wantErr := referenceSplit(bytes.NewReader(data), digilockerSpec, c.opts)
	got, err := split(bytes.NewReader(data), digilockerSpec, c.opts, c.segment, c.workers)
	if fmt.Sprint(err) != fmt.Sprint(wantErr) || bulkverify.ErrorCode(err) != bulkverify.ErrorCode(wantErr) {
		t.Fatalf("segments of %d bytes, %d workers: got error %v, want %v", c.segment, c.workers, err, wantErr)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("segments of %d bytes, %d workers: got plan %+v, want %+v", c.segment, c.workers, got, want)
	}
}

// Split plans every file as the reference does, whatever the segments
// and however many goroutines parse them.
func TestSplitPlansAsTheReference(t *testing.T) {
	var big strings.Builder
	big.WriteString("\ufeffreference_id,access_token,doctype,name,dob,extra\r\n")
	for i := range 3000 {
		switch i % 7 {
		case 0:
			fmt.Fprintf(&big, "r%d,\"tok\n%d\",PANCR,,,\r\n", i, i%50) // a line break in a token: rejected
		case 1:
			fmt.Fprintf(&big, "r%d,t%d,PANCR,\"Kumar, \"\"Sunil\"\"\",31121970,x\r\n", i, i%100)
		case 2:
			fmt.Fprintf(&big, "r%d,t%d,PANCR\r\n\r\n", i, i) // too few fields
		default:
			fmt.Fprintf(&big, "r%d,t%d,DRVLC,,,\n", i, i%300)
		}
	}
	data := []byte(big.String())
	numbers := make([]int, 3000)
	for i := range numbers {
		numbers[i] = 5 + 2*i
	}
	for _, opts := range []Options{
		{ChunkSize: 7, MaxProblems: 10},
		{ChunkSize: 3, MaxChunks: 5, MaxProblems: 3, SizeHint: int64(len(data))},
		{ChunkSize: 100, MaxRows: 2500, MaxLineBytes: 200, MaxHeaderBytes: MaxHeaderBytes},
		{ChunkSize: 10, MaxRows: 3000},
		{ChunkSize: 2, TargetChunks: 4, MaxChunks: 50, SizeHint: int64(len(data))},
		{ChunkSize: 2, TargetChunks: 4},
		{ChunkSize: 7, MaxProblems: 10, tableRows: 40},                            // the rows past 40 spill
		{ChunkSize: 5, TargetChunks: 4, SizeHint: int64(len(data)), tableRows: 1}, // reserve stays within the budget
		{ChunkSize: 9, Numbers: numbers, tableRows: 40},
	} {
		for _, seg := range []int{1, 100, 4096, segmentBytes} {
			for workers := 1; workers <= 3; workers++ {
				checkAsReference(t, splitCase{data: data, opts: opts, segment: seg, workers: workers})
			}
		}
	}
}

// FuzzSplitAsTheReference compares Split, with small segments cut
// anywhere, with the reference split of one encoding/csv stream, on
// arbitrary files and options.
func FuzzSplitAsTheReference(f *testing.F) {
	for _, s := range []string{
		"access_token,doctype\nt1,PANCR\nt1,PANCR\n\"t\n2\",PANCR\n",
		"\ufeffreference_id,access_token,doctype\r\nr,\"t\"\"1\",PANCR\r\n\r\nr,t2,DRVLC",
		"access_token,doctype\nt1,PA\"N\nt2,PANCR\n",
		"access_token,doctype\nt1,\"PANCR\nt2,PANCR\n",
		"access_token,doctype\rt1,PANCR\rt2,PANCR\r",
		"access_token,doctype,dob\nt1,PANCR,3112\nt2,PANCR,31121970\nt3\n",
		"access_token,doctype\nt1,\x00\nt2,PANCR\n",
	} {
		f.Add([]byte(s), uint8(3), uint8(5), uint16(0), uint8(0))
	}
	f.Fuzz(func(t *testing.T, data []byte, segment, chunk uint8, limit uint16, flags uint8) {
		opts := Options{ChunkSize: int(chunk%9) + 1, MaxProblems: int(flags % 4)}
		if flags&4 != 0 {
			opts.MaxChunks, opts.SizeHint = 3, int64(len(data))
		}
		if flags&16 != 0 {
			opts.TargetChunks = 2
		}
		if flags&32 != 0 {
			opts.tableRows = 1 + int(limit%3)
		}
		if flags&8 != 0 {
			opts.MaxLineBytes, opts.MaxHeaderBytes, opts.MaxRows = int(limit%300)+1, 200, int(limit%20)+1
		}
		checkAsReference(t, splitCase{data: data, opts: opts, segment: int(segment) + 1, workers: int(flags>>4)%3 + 1, normalizeNewlines: flags&16 != 0})
	})
}

// The reference is no straw man: it reads what encoding/csv reads.
func TestReferenceReadsAsEncodingCSV(t *testing.T) {
	data := "access_token,doctype\nt1,PANCR\n\"t\n2\",PANCR\n"
	recs, err := csv.NewReader(strings.NewReader(data)).ReadAll()
	plan, perr := referenceSplit(strings.NewReader(data), digilockerSpec, Options{ChunkSize: 1, MaxProblems: 5})
	if err != nil || perr != nil || plan.TotalRows != len(recs)-1 {
		t.Fatalf("got %d rows (%v), encoding/csv read %d records (%v)", plan.TotalRows, perr, len(recs), err)
	}
}

// A line the fast path finds is not text is refused as checkText refuses
// it, naming the column: the whole-line check only spares the fields'.
func TestFastPathRefusesBinaryAsCheckTextDoes(t *testing.T) {
	for _, data := range []string{
		"access_token,doctype\nt1,PANCR\nt2,PA\x00N\n",
		"access_token,doctype\nt1,PANCR\n\xff2,PANCR\n",
		"access_token,doctype\nt1,PANCR\nt2\xe2\x82,PANCR\r\n",
		"access_token,doctype\nt1,\"PANCR\"\nt2,\"P\x00\"\n",
	} {
		for _, seg := range []int{1, 16, segmentBytes} {
			checkAsReference(t, splitCase{data: []byte(data), opts: Options{ChunkSize: 1, MaxProblems: 5}, segment: seg, workers: 2})
		}
		if _, err := Split(strings.NewReader(data), digilockerSpec, Options{ChunkSize: 1}); !strings.Contains(fmt.Sprint(err), "not UTF-8 text") {
			t.Errorf("%q: got %v, want the file refused as not UTF-8 text", data, err)
		}
	}
}

// FuzzNormalizeNewlines compares NormalizeNewlines, which copies what is
// buffered and fixes its lone CRs, with the byte-by-byte rule, whatever
// the reads it is given.
func FuzzNormalizeNewlines(f *testing.F) {
	for _, s := range []string{"a\rb\r", "a\r\nb\r\n", "\r\r\n\r", "x\r"} {
		f.Add([]byte(s), uint8(0))
	}
	f.Fuzz(func(t *testing.T, data []byte, reads uint8) {
		var r io.Reader = bytes.NewReader(data)
		switch reads % 3 {
		case 1:
			r = iotest.OneByteReader(r)
		case 2:
			r = iotest.HalfReader(r)
		}
		got, err := io.ReadAll(NormalizeNewlines(r))
		if want := referenceNormalize(data); err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%q: got %q, %v; want %q", data, got, err, want)
		}
	})
}
