package batchcsv

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/bulkverify/bulkverify"
)

// limited are the limits of the table below: small, so that files that
// cross them stay small.
var limited = Options{ChunkSize: 10, MaxColumns: 5, MaxHeaderBytes: 100, MaxLineBytes: 40, MaxRows: 3}

func TestSplitEnforcesIntakeLimits(t *testing.T) {
	long := strings.Repeat("x", 41)
	tests := []struct {
		name     string
		input    string
		wantCode string // "" when the file is accepted
		wantIn   []string
	}{
		{"a header of as many columns as allowed is accepted", "access_token,doctype,a,b,c\nt,PANCR,1,2,3\n", "", nil},
		{"a header of one column too many is TOO_MANY_COLUMNS", "access_token,doctype,a,b,c,d\nt,PANCR,1,2,3,4\n", bulkverify.ETooManyColumns, []string{"line 1", "6 columns", "5"}},
		{"a header longer than its bound is TOO_MANY_COLUMNS", "access_token,doctype," + strings.Repeat("y", 100) + "\nt,PANCR,1\n", bulkverify.ETooManyColumns, []string{"line 1", "100 bytes"}},
		{"a header as long as its bound is accepted", "access_token,doctype," + strings.Repeat("y", 100-21) + "\nt,PANCR,1\n", "", nil},
		{"a header after blank lines gets the header's bound", "\n\r\n\naccess_token,doctype," + strings.Repeat("y", 60) + "\nt,PANCR,1\n", "", nil},
		{"a row as long as the bound is accepted", "access_token,doctype\nt" + strings.Repeat("x", 33) + ",PANCR\n", "", nil},
		{"a row one byte longer is LINE_TOO_LONG naming its line", "access_token,doctype\nt,PANCR\nt" + strings.Repeat("x", 34) + ",PANCR\n", bulkverify.ELineTooLong, []string{"line 3", "40 bytes"}},
		{"a long row without a line end is LINE_TOO_LONG", "access_token,doctype\nt,PANCR\n" + long, bulkverify.ELineTooLong, []string{"line 3"}},
		{"a CRLF line end does not count", "access_token,doctype\r\nt" + strings.Repeat("x", 33) + ",PANCR\r\n", "", nil},
		{"short lines inside one quoted field are one record", "access_token,doctype\nt,\"" + strings.Repeat("ab\n", 20) + "\"\n", bulkverify.ELineTooLong, []string{"line 2"}},
		{"quoted commas and doubled quotes count as one record", "access_token,doctype\n\"t,\"\"1\"\"\",PANCR\n\"t,\"\"2\"\"\",PANCR\n", "", nil},
		{"an unclosed quote runs on and is LINE_TOO_LONG", "access_token,doctype\nt,\"PANCR\n" + strings.Repeat("t,PANCR\n", 10), bulkverify.ELineTooLong, []string{"line 2"}},
		{"an unclosed quote within the bound is INVALID_FILE", "access_token,doctype\nt,\"PANCR\nt,PANCR\n", bulkverify.EInvalidFile, []string{"never closed"}},
		{"a bare quote is INVALID_FILE, not a run-on record", "access_token,doctype\nt,PA\"NCR\n" + strings.Repeat("t,PANCR\n", 10), bulkverify.EInvalidFile, []string{"line 2"}},
		{"as many rows as allowed are accepted", "access_token,doctype\nt1,PANCR\nt2,PANCR\n\nt3,PANCR\n", "", nil},
		{"one row too many is TOO_MANY_ROWS naming its line", "access_token,doctype\nt1,PANCR\nt2,PANCR\n\nt3,PANCR\nt4,PANCR\n", bulkverify.ETooManyRows, []string{"line 6", "more than 3 data rows"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan, err := Split(strings.NewReader(tt.input), digilockerSpec, limited)
			if tt.wantCode == "" {
				if err != nil {
					t.Fatalf("got %v, want the file accepted", err)
				}
				if plan.TotalRows == 0 {
					t.Errorf("got no rows, want some")
				}
				return
			}
			var e *bulkverify.Error
			if !errors.As(err, &e) {
				t.Fatalf("got error %v, want a *bulkverify.Error with code %s", err, tt.wantCode)
			}
			if e.Code != tt.wantCode {
				t.Errorf("got code %s, want %s (message %q)", e.Code, tt.wantCode, e.Message)
			}
			for _, s := range tt.wantIn {
				if !strings.Contains(e.Message, s) {
					t.Errorf("message %q does not mention %q", e.Message, s)
				}
			}
		})
	}
}

// endless is a reader of a header, then one field that never ends; it
// counts the bytes read from it.
type endless struct {
	head []byte
	read int
}

func (e *endless) Read(p []byte) (int, error) {
	n := 0
	if e.read < len(e.head) {
		n = copy(p, e.head[e.read:])
	}
	for i := n; i < len(p); i++ {
		p[i] = 'a'
	}
	e.read += len(p)
	return len(p), nil
}

// A record that never ends is refused once it passes its bound: intake
// reads about the bound and a buffer, not the record (a 40 MB field took
// 365 MB before).
func TestSplitRefusesAnEndlessFieldAfterReadingAboutTheBound(t *testing.T) {
	for _, tt := range []struct {
		name string
		head string
		code string
	}{
		{"an endless field in a row", "access_token,doctype\nverified-1,PANCR\nverified-2,", bulkverify.ELineTooLong},
		{"an endless quoted field in a row", "access_token,doctype\nverified-1,\"", bulkverify.ELineTooLong},
		{"an endless header", "access_token,doctype,", bulkverify.ETooManyColumns},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := &endless{head: []byte(tt.head)}
			_, err := Split(r, digilockerSpec, Options{ChunkSize: 100, MaxHeaderBytes: MaxHeaderBytes, MaxLineBytes: 64 << 10})
			if code := bulkverify.ErrorCode(err); code != tt.code {
				t.Fatalf("got %v, want %s", err, tt.code)
			}
			if r.read > 256<<10 {
				t.Errorf("read %d KB of the file, want at most 256 KB", r.read>>10)
			}
		})
	}
}

// A row whose field count is not the header's keeps none of its values:
// its reference_id is blank and no problem names a column, whether intake
// or a worker reads it.
func TestARowWithTheWrongFieldCountEchoesNoValue(t *testing.T) {
	in := "reference_id,access_token,doctype\n" +
		"ref-1,t1,PANCR\n" +
		"verified-secret,PANCR\n" + // short: the token would land in reference_id
		"ref-3,t3,PANCR,extra\n" // long
	data := []byte(in)
	plan, err := Split(bytes.NewReader(data), digilockerSpec, Options{ChunkSize: 10, MaxProblems: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Problems) != 2 {
		t.Fatalf("got problems %+v, want 2", plan.Problems)
	}
	for _, p := range plan.Problems {
		if p.Column != "" || !strings.Contains(p.Reason, "fields, the header has 3") {
			t.Errorf("row %d: got column %q reason %q, want no column and the field counts", p.RowNumber, p.Column, p.Reason)
		}
	}
	c := plan.Chunks[0]
	rows, reasons, err := ReadRows(io.NewSectionReader(bytes.NewReader(data), c.Offset, c.Length), plan.Header, c, digilockerSpec)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"ref-1", "", ""} {
		if got := rows[i].ReferenceID(); got != want {
			t.Errorf("row %d: got reference_id %q, want %q", i+1, got, want)
		}
		if got := len(rows[i].Fields); want == "" && got != 0 {
			t.Errorf("row %d: got %d fields, want none", i+1, got)
		}
		if (reasons[i] == "") != (want != "") {
			t.Errorf("row %d: got reason %q", i+1, reasons[i])
		}
	}
}

// Growing chunks past MaxChunks merges neighbours: every row is still in
// exactly one chunk, in order, with its number and its duplicate link, as
// without the bound.
func TestMergedChunksKeepNumbersAndDuplicates(t *testing.T) {
	var b strings.Builder
	b.WriteString("access_token,doctype\n")
	var numbers []int
	for i := range 1000 {
		fmt.Fprintf(&b, "verified-%d,PANCR\n", i%300) // rows 301.. repeat
		numbers = append(numbers, 10+3*i)
	}
	data := []byte(b.String())
	for _, tt := range []struct {
		name string
		opts Options
	}{
		{"rows numbered 1, 2, ...", Options{ChunkSize: 7}},
		{"rows numbered like a parent's", Options{ChunkSize: 7, Numbers: numbers}},
	} {
		for _, maxChunks := range []int{1, 2, 3, 10, 64} {
			t.Run(fmt.Sprintf("%s, at most %d chunks", tt.name, maxChunks), func(t *testing.T) {
				free, err := Split(bytes.NewReader(data), digilockerSpec, tt.opts)
				if err != nil {
					t.Fatal(err)
				}
				opts := tt.opts
				opts.MaxChunks = maxChunks
				bound, err := Split(bytes.NewReader(data), digilockerSpec, opts)
				if err != nil {
					t.Fatal(err)
				}
				if n := len(bound.Chunks); n > maxChunks || n < (maxChunks+1)/2 {
					t.Errorf("got %d chunks, want from %d to %d", n, (maxChunks+1)/2, maxChunks)
				}
				if got, want := readBack(t, data, bound), readBack(t, data, free); !reflect.DeepEqual(got, want) {
					t.Errorf("rows read back differ from an unbounded split's:\ngot  %v\nwant %v", cutRows(got), cutRows(want))
				}
				if got, want := dupsOf(bound), dupsOf(free); !reflect.DeepEqual(got, want) || len(want) != 700 {
					t.Errorf("got %d duplicate links, want the unbounded split's %d (700)", len(got), len(want))
				}
			})
		}
	}
}

// readBack returns "number:token" of every row of plan's chunks, in
// order, checking that the chunks are contiguous.
func readBack(t *testing.T, data []byte, plan Plan) []string {
	t.Helper()
	var out []string
	next := plan.Chunks[0].Offset
	for i, c := range plan.Chunks {
		if c.Index != i || c.Offset != next {
			t.Fatalf("chunk %d: index %d at offset %d, want %d at %d", i, c.Index, c.Offset, i, next)
		}
		next = c.Offset + c.Length
		rows, _, err := ReadRows(io.NewSectionReader(bytes.NewReader(data), c.Offset, c.Length), plan.Header, c, digilockerSpec)
		if err != nil || len(rows) != c.Rows {
			t.Fatalf("chunk %d: read %d rows (%v), want %d", i, len(rows), err, c.Rows)
		}
		for _, r := range rows {
			out = append(out, fmt.Sprintf("%d:%s", r.Number, r.Get("access_token")))
		}
	}
	if next != int64(len(data)) {
		t.Errorf("chunks end at byte %d, want %d", next, len(data))
	}
	return out
}

func dupsOf(plan Plan) map[int]int {
	out := map[int]int{}
	for _, c := range plan.Chunks {
		for dup, orig := range c.Dups {
			out[dup] = orig
		}
	}
	return out
}

func cutRows(rows []string) string {
	if len(rows) > 5 {
		return fmt.Sprintf("%v … (%d rows)", rows[:5], len(rows))
	}
	return fmt.Sprint(rows)
}

func TestChunksGrowOnlyWhenARowNeedsOneChunkMoreThanMaxChunks(t *testing.T) {
	tests := []struct {
		name                  string
		rows, size, maxChunks int
		want                  int
	}{
		{"exactly MaxChunks full chunks are kept", 1000, 10, 100, 100},
		{"one row more merges them in pairs", 1001, 10, 100, 51},
		{"one chunk at most holds every row", 1000, 10, 1, 1},
		{"fewer rows than a chunk make one chunk", 5, 10, 1, 1},
		{"an odd MaxChunks keeps the last chunk to fill", 1000, 10, 7, 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := csvOf(tt.rows)
			plan, err := Split(bytes.NewReader(data), digilockerSpec, Options{ChunkSize: tt.size, MaxChunks: tt.maxChunks})
			if err != nil {
				t.Fatal(err)
			}
			if len(plan.Chunks) != tt.want {
				t.Errorf("got %d chunks, want %d", len(plan.Chunks), tt.want)
			}
			readBack(t, data, plan)
		})
	}
}

// csvOf returns a DigiLocker file of n distinct rows.
func csvOf(n int) []byte {
	var b bytes.Buffer
	b.WriteString("access_token,doctype\n")
	for i := range n {
		fmt.Fprintf(&b, "verified-%d,PANCR\n", i)
	}
	return b.Bytes()
}
