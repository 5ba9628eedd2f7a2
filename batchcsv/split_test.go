package batchcsv

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	dl "github.com/bulkverify/bulkverify/provider/digilocker"

	"github.com/bulkverify/bulkverify"
)

var digilockerSpec = dl.Spec

func TestSplitRejectsFilesThatCannotBeAccepted(t *testing.T) {
	tests := []struct {
		name     string
		input    string
		wantCode string
		wantIn   []string // substrings of the message
	}{
		{"an empty file is EMPTY_FILE", "", bulkverify.EEmptyFile, []string{"empty"}},
		{"a file of blank lines is EMPTY_FILE", "\n\n\r\n", bulkverify.EEmptyFile, []string{"empty"}},
		{"a header without rows is EMPTY_FILE", "access_token,doctype\n", bulkverify.EEmptyFile, []string{"no data rows"}},
		{"a missing required column is named", "access_token,uri\nt,u\n", bulkverify.EMissingColumn, []string{"line 1", `"doctype"`}},
		{"an unbalanced quote names its line", "access_token,doctype\nt1,PANCR\nt2,\"PANCR\nt3,DRVLC\n", bulkverify.EInvalidFile, []string{"line 3", "never closed"}},
		{"a bare quote names its line and column", "access_token,doctype\nt1,PA\"NCR\n", bulkverify.EInvalidFile, []string{"line 2", "column 6"}},
		{"a binary file is INVALID_FILE", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", bulkverify.EInvalidFile, []string{"line 1", "binary"}},
		{"a NUL byte in a row is INVALID_FILE", "access_token,doctype\nt1,PAN\x00CR\n", bulkverify.EInvalidFile, []string{"line 2", "binary"}},
		{"invalid UTF-8 is INVALID_FILE", "access_token,doctype\nt1,\xff\xfe\n", bulkverify.EInvalidFile, []string{"line 2", "UTF-8"}},
		{"a duplicated column is INVALID_FILE", "access_token,doctype,DocType\nt,a,b\n", bulkverify.EInvalidFile, []string{"appears twice"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Split(strings.NewReader(tt.input), digilockerSpec, Options{ChunkSize: 10})
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

func TestSplitCountsRowsAndRejectsBadOnes(t *testing.T) {
	in := "\ufeff Access_Token , DOCTYPE,extra,dob\r\n" +
		"t1,PANCR,x,\r\n" +
		",PANCR,x,\r\n" + // empty token
		"t3,PANCR\r\n" + // short row
		"t4,PANCR,x,1970-12-31\r\n" + // bad dob
		"\"t5\",\"multi\nline\",x,31121970\r\n" // a line break in doctype
	// Quoted line breaks parse, but in a column sent upstream they make the
	// row INVALID_ROW.
	plan, err := Split(strings.NewReader(in), digilockerSpec, Options{ChunkSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	if plan.TotalRows != 5 || plan.RejectedRows != 4 {
		t.Errorf("got %d rows, %d rejected, want 5 and 4", plan.TotalRows, plan.RejectedRows)
	}
	if got, want := strings.Join(plan.Header, ","), "access_token,doctype,extra,dob"; got != want {
		t.Errorf("got header %q, want %q", got, want)
	}
	if len(plan.Chunks) != 3 {
		t.Fatalf("got %d chunks, want 3", len(plan.Chunks))
	}
}

// Reading every chunk's byte range back yields every row once, in order,
// with the same values: the worker sees what intake saw.
func TestChunksReadBackEveryRowOnce(t *testing.T) {
	for _, bom := range []bool{false, true} {
		for _, size := range []int{1, 3, 7, 100} {
			t.Run(fmt.Sprintf("bom=%v chunk size %d", bom, size), func(t *testing.T) {
				var b bytes.Buffer
				if bom {
					b.WriteString("\ufeff")
				}
				b.WriteString("reference_id,access_token,doctype,note\n")
				for i := 1; i <= 23; i++ {
					if i%5 == 0 {
						fmt.Fprintf(&b, "\"ref,%d\",\"tok\"\"%d\",PANCR,\"two\nlines\"\r\n", i, i)
					} else {
						fmt.Fprintf(&b, "ref%d,tok%d,PANCR,\n", i, i)
					}
				}
				data := b.Bytes()
				plan, err := Split(bytes.NewReader(data), digilockerSpec, Options{ChunkSize: size})
				if err != nil {
					t.Fatal(err)
				}
				next := 1
				for _, c := range plan.Chunks {
					rows, reasons, err := ReadRows(io.NewSectionReader(bytes.NewReader(data), c.Offset, c.Length), plan.Header, c, digilockerSpec)
					if err != nil {
						t.Fatalf("chunk %d: %v", c.Index, err)
					}
					if len(rows) != c.Rows {
						t.Fatalf("chunk %d: got %d rows, want %d", c.Index, len(rows), c.Rows)
					}
					for i, r := range rows {
						if r.Number != next {
							t.Fatalf("got row %d, want %d", r.Number, next)
						}
						wantRef := fmt.Sprintf("ref%d", next)
						if next%5 == 0 {
							wantRef = fmt.Sprintf("ref,%d", next)
						}
						if r.ReferenceID() != wantRef || reasons[i] != "" {
							t.Errorf("row %d: got reference %q (reason %q), want %q", next, r.ReferenceID(), reasons[i], wantRef)
						}
						next++
					}
				}
				if next != 24 {
					t.Errorf("read %d rows back, want 23", next-1)
				}
			})
		}
	}
}

func TestSplitFindsDuplicatesAndNamesRowProblems(t *testing.T) {
	in := "reference_id,access_token,doctype,dob\n" +
		"a,t1,PANCR,\n" + // 1
		"b,t2,PANCR,\n" + // 2
		"c,t1,PANCR,\n" + // 3: repeats 1 (reference_id does not count)
		",,PANCR,\n" + // 4: no token
		"e,t1,DRVLC,\n" + // 5: another doctype, not a duplicate
		"f,t2,PANCR,\n" + // 6: repeats 2
		"g,t1,PANCR,1970\n" // 7: bad dob
	plan, err := Split(strings.NewReader(in), digilockerSpec, Options{ChunkSize: 4, MaxProblems: 1})
	if err != nil {
		t.Fatal(err)
	}
	if plan.Duplicates != 2 {
		t.Errorf("got %d duplicates, want 2", plan.Duplicates)
	}
	if got := plan.Chunks[0].Dups; len(got) != 1 || got[3] != 1 {
		t.Errorf("chunk 0: got dups %v, want map[3:1]", got)
	}
	if got := plan.Chunks[1].Dups; len(got) != 1 || got[6] != 2 {
		t.Errorf("chunk 1: got dups %v, want map[6:2]", got)
	}
	want := []RowProblem{{RowNumber: 4, Column: "access_token", Reason: "required value missing: access_token"}}
	if fmt.Sprint(plan.Problems) != fmt.Sprint(want) {
		t.Errorf("got problems %v, want %v (capped at 1)", plan.Problems, want)
	}
	if plan.RejectedRows != 2 {
		t.Errorf("got %d rejected rows, want 2", plan.RejectedRows)
	}
}

func TestSplitKeepsGivenRowNumbers(t *testing.T) {
	in := "access_token,doctype,dob\nt1,PANCR,\nt2,PANCR,1970\nt1,PANCR,\n"
	data := []byte(in)
	plan, err := Split(bytes.NewReader(data), digilockerSpec, Options{ChunkSize: 2, Numbers: []int{4, 17, 30}, MaxProblems: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Problems) != 1 || plan.Problems[0].RowNumber != 17 || plan.Problems[0].Column != "dob" {
		t.Errorf("got problems %+v, want row 17, column dob", plan.Problems)
	}
	if got := plan.Chunks[1].Dups; got[30] != 4 {
		t.Errorf("got dups %v, want 30 -> 4", got)
	}
	var numbers []int
	for _, c := range plan.Chunks {
		rows, _, err := ReadRows(io.NewSectionReader(bytes.NewReader(data), c.Offset, c.Length), plan.Header, c, digilockerSpec)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			numbers = append(numbers, r.Number)
		}
	}
	if fmt.Sprint(numbers) != "[4 17 30]" {
		t.Errorf("read back rows %v, want [4 17 30]", numbers)
	}
	if _, err := Split(bytes.NewReader(data), digilockerSpec, Options{ChunkSize: 2, Numbers: []int{1}}); err == nil {
		t.Error("too few row numbers: got no error")
	}
}

// Files as spreadsheets and odd editors write them: no column is lost and
// no row is sent upstream with a control character.
func TestSplitAcceptsOddFiles(t *testing.T) {
	crOnly := "reference_id,access_token,doctype\r"
	for i := 1; i <= 2000; i++ {
		crOnly += fmt.Sprintf("ref-%d,verified-%d,PANCR\r", i, i)
	}
	tests := []struct {
		name               string
		input              string
		rows, rejected     int
		wantRef            string // reference_id of row 1
		normalizeNewlines  bool
		wantReasonContains string
	}{
		{"two BOMs before the header", "\ufeff\ufeffreference_id,access_token,doctype\nr1,t1,PANCR\n", 1, 0, "r1", false, ""},
		{"zero-width characters in header names", "\u200breference_id\u200d,access_token,\u2060doctype\nr1,t1,PANCR\n", 1, 0, "r1", false, ""},
		{"CR-only line endings (Excel for Mac)", crOnly, 2000, 0, "ref-1", true, ""},
		{"a line break inside a token", "reference_id,access_token,doctype\nr1,\"t\n1\",PANCR\n", 1, 1, "r1", false, "access_token contains a control character"},
		{"a control character in a token", "reference_id,access_token,doctype\nr1,t\x011,PANCR\n", 1, 1, "r1", false, "access_token contains a control character"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r io.Reader = strings.NewReader(tt.input)
			if tt.normalizeNewlines {
				r = NormalizeNewlines(r)
			}
			data, _ := io.ReadAll(r)
			plan, err := Split(bytes.NewReader(data), digilockerSpec, Options{ChunkSize: 100, MaxProblems: 10})
			if err != nil {
				t.Fatalf("got %v, want the file accepted", err)
			}
			if plan.TotalRows != tt.rows || plan.RejectedRows != tt.rejected {
				t.Errorf("got %d rows, %d rejected; want %d, %d", plan.TotalRows, plan.RejectedRows, tt.rows, tt.rejected)
			}
			c := plan.Chunks[0]
			rows, _, err := ReadRows(io.NewSectionReader(bytes.NewReader(data), c.Offset, c.Length), plan.Header, c, digilockerSpec)
			if err != nil || rows[0].ReferenceID() != tt.wantRef {
				t.Errorf("row 1: got reference_id %q (%v), want %q", rows[0].ReferenceID(), err, tt.wantRef)
			}
			if tt.wantReasonContains != "" && (len(plan.Problems) == 0 || !strings.Contains(plan.Problems[0].Reason, tt.wantReasonContains)) {
				t.Errorf("got problems %v, want one saying %q", plan.Problems, tt.wantReasonContains)
			}
		})
	}
}

func TestNormalizeNewlinesKeepsCRLFAndLF(t *testing.T) {
	for in, want := range map[string]string{
		"a\rb\r":        "a\nb\n",
		"a\r\nb\r\n":    "a\r\nb\r\n",
		"a\nb\rc\r\nd":  "a\nb\nc\r\nd",
		"\r\r\n\r":      "\n\r\n\n",
		"no line break": "no line break",
	} {
		got, err := io.ReadAll(NormalizeNewlines(iotest.OneByteReader(strings.NewReader(in))))
		if err != nil || string(got) != want {
			t.Errorf("%q: got %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestMissingColumnMessageIsCapped(t *testing.T) {
	var cols []string
	for i := range 5000 {
		cols = append(cols, fmt.Sprintf("some_long_column_name_%d", i))
	}
	header := strings.Join(cols, ",") + "\n1\n"
	_, err := Split(strings.NewReader(header), digilockerSpec, Options{ChunkSize: 10})
	if err == nil || len([]rune(bulkverify.ErrorMessage(err))) > 300 || !strings.Contains(err.Error(), "…") {
		t.Errorf("got a message of %d characters (%v), want at most 300 with the header cut by …", len(bulkverify.ErrorMessage(err)), err)
	}
}

// With the upload's size known, the duplicate table is sized once from
// the first rows' length, within its bound, and the plan is the same as
// without it.
func TestSplitSizesTheDuplicateTableFromTheUploadSize(t *testing.T) {
	var b strings.Builder
	b.WriteString("access_token,doctype\n")
	for i := range 5000 {
		fmt.Fprintf(&b, "verified-%07d,PANCR\n", i%4000) // 1000 duplicates
	}
	in := b.String()
	plain, err := Split(strings.NewReader(in), digilockerSpec, Options{ChunkSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	hinted, err := Split(strings.NewReader(in), digilockerSpec, Options{ChunkSize: 100, SizeHint: int64(len(in))})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(plain, hinted) || hinted.Duplicates != 1000 {
		t.Errorf("plans differ with a size hint (duplicates %d and %d, want 1000)", plain.Duplicates, hinted.Duplicates)
	}
	d := newDeduper(nil, digilockerSpec, 200_000, 0)
	defer d.release()
	d.reserve(5000)
	if got := len(d.slots); got != 5666 {
		t.Errorf("reserve(5000): %d slots, want 5666 (5,100 rows at load 9/10)", got)
	}
	d.reserve(1 << 40)
	if got := len(d.slots); got != 226_666 {
		t.Errorf("reserve of a claimed huge file: %d slots, want 226,666 (BV_MAX_ROWS's 200,000 and a fiftieth, at load 9/10)", got)
	}
}

// A big upload is cut into at most MaxChunks chunks, and no fewer than
// half as many, contiguous and covering every row, whether its length is
// known or not.
func TestSplitGrowsChunksToMaxChunks(t *testing.T) {
	var buf bytes.Buffer
	buf.WriteString("reference_id,access_token,doctype\n")
	const rows = 300_000
	for i := range rows {
		fmt.Fprintf(&buf, "ref-%d,verified-%07d,PANCR\n", i, i)
	}
	data := buf.Bytes()
	for _, tt := range []struct {
		name      string
		opts      Options
		maxChunks int
	}{
		{"length known", Options{ChunkSize: 100, SizeHint: int64(len(data)), MaxChunks: 1000}, 1000 + 10},
		{"length unknown", Options{ChunkSize: 100, MaxChunks: 1000}, 1000},
		{"length unknown, one chunk at most", Options{ChunkSize: 100, MaxChunks: 1}, 1},
		{"under the cap", Options{ChunkSize: 100, SizeHint: int64(len(data)), MaxChunks: 5000}, rows / 100},
	} {
		t.Run(tt.name, func(t *testing.T) {
			plan, err := Split(bytes.NewReader(data), digilockerSpec, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if n := len(plan.Chunks); n > tt.maxChunks || n < (tt.maxChunks+1)/2 {
				t.Errorf("%d chunks, want about %d and no more", n, tt.maxChunks)
			}
			next, first := plan.Chunks[0].Offset, 1
			for i, c := range plan.Chunks {
				if c.Index != i || c.Offset != next || c.FirstRow != first {
					t.Fatalf("chunk %d: index %d, offset %d, first row %d; want %d, %d, %d", i, c.Index, c.Offset, c.FirstRow, i, next, first)
				}
				next, first = c.Offset+c.Length, first+c.Rows
			}
			if first-1 != rows || next != int64(len(data)) {
				t.Errorf("chunks cover %d rows up to byte %d, want %d rows up to %d", first-1, next, rows, len(data))
			}
		})
	}
}

// Under TargetChunks, chunks double past ChunkSize while the file would
// need more than twice the target, up to 8 × ChunkSize (MaxChunks may make
// them larger still).
func TestChunksGrowTowardsTargetChunks(t *testing.T) {
	for _, tt := range []struct {
		rows, maxChunks, chunks, size int
	}{
		{400, 0, 40, 10},       // 40 chunks: within twice the target of 40
		{1600, 0, 80, 20},      // would be 160 of 10: doubled once
		{10_000, 0, 125, 80},   // doubled to the cap, 8 × ChunkSize
		{10_000, 100, 63, 160}, // past the cap, MaxChunks still holds
	} {
		t.Run(fmt.Sprintf("%d rows, max %d chunks", tt.rows, tt.maxChunks), func(t *testing.T) {
			plan, err := Split(bytes.NewReader(rowsCSV(tt.rows)), digilockerSpec, Options{ChunkSize: 10, TargetChunks: 40, MaxChunks: tt.maxChunks})
			if err != nil {
				t.Fatal(err)
			}
			if n := len(plan.Chunks); n != tt.chunks || plan.Chunks[0].Rows != tt.size {
				t.Errorf("%d chunks of %d rows, want %d of %d", n, plan.Chunks[0].Rows, tt.chunks, tt.size)
			}
		})
	}
	// With the length known the size is set once the first rows show their
	// length: those keep ChunkSize, the rest take the grown size.
	data := rowsCSV(200_000)
	plan, err := Split(bytes.NewReader(data), digilockerSpec, Options{ChunkSize: 100, TargetChunks: 400, MaxChunks: 2000, SizeHint: int64(len(data))})
	if err != nil {
		t.Fatal(err)
	}
	if n, size := len(plan.Chunks), plan.Chunks[len(plan.Chunks)-2].Rows; n < 400 || n > 800 || size != 400 {
		t.Errorf("200,000 rows of known length: %d chunks of %d rows, want 400 to 800 chunks of 400", n, size)
	}
}

// rowsCSV returns a DigiLocker file of n distinct rows.
func rowsCSV(n int) []byte {
	var buf bytes.Buffer
	buf.WriteString("reference_id,access_token,doctype\n")
	for i := range n {
		fmt.Fprintf(&buf, "ref-%d,verified-%07d,PANCR\n", i, i)
	}
	return buf.Bytes()
}
