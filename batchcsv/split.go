// Package batchcsv reads and writes the CSV files of a batch: it splits an
// upload into chunks of rows, reads a chunk back, finds duplicate rows,
// copies rows for a retry, and encodes the results of a chunk and the
// output and error files.
package batchcsv

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/bulkverify/bulkverify"
)

// Chunk is a run of consecutive data rows of an input file, addressed by its
// byte range so that a worker can read it back from the stored input.
type Chunk struct {
	Index    int   `json:"chunk"`
	Offset   int64 `json:"offset"`
	Length   int64 `json:"length"`
	FirstRow int   `json:"first_row"`
	Rows     int   `json:"rows"`
	// Numbers, when set, are the rows' numbers in place of FirstRow,
	// FirstRow+1, ...: a retry batch keeps its parent's row numbers.
	Numbers []int `json:"numbers,omitempty"`
	// Dups maps a row of this chunk that repeats an earlier row to that
	// row's number; the row is not verified again but gets its result.
	Dups map[int]int `json:"dups,omitempty"`
}

// Number returns the number of the chunk's i-th row (from 0).
func (c Chunk) Number(i int) int {
	if c.Numbers != nil {
		return c.Numbers[i]
	}
	return c.FirstRow + i
}

// RowProblem is why one row cannot be verified, as a dry run reports it.
type RowProblem struct {
	RowNumber int    `json:"row_number"`
	Column    string `json:"column"`
	Reason    string `json:"reason"`
}

// Plan is the result of splitting an input file.
type Plan struct {
	// Header is the input's header, lower-cased and trimmed.
	Header []string
	// Ignored are the header's columns the provider does not read, in
	// file order.
	Ignored      []string
	Chunks       []Chunk
	TotalRows    int
	RejectedRows int
	// Duplicates counts the valid rows that repeat an earlier one.
	Duplicates int
	// Problems are the first MaxProblems rejected rows and why.
	Problems []RowProblem
}

// Options tune Split.
type Options struct {
	// ChunkSize is the number of rows per chunk.
	ChunkSize int
	// Numbers, when set, number the rows in place of 1, 2, ...; it must
	// hold one number per data row.
	Numbers []int
	// MaxProblems bounds Plan.Problems.
	MaxProblems int
	// SizeHint, when above 0, is about how many bytes the input has (an
	// upload's Content-Length): the duplicate table is sized for the rows
	// it should hold once a thousand rows show their length, instead of
	// doubling its way there, and so is the chunk size under MaxChunks.
	SizeHint int64
	// MaxChunks, when above 0, bounds how many chunks the input is cut
	// into, whether or not SizeHint is known: chunks grow past ChunkSize
	// rows when the rows need it (see chunker). Fewer, larger chunks of a
	// big batch mean fewer parts to write and for the finalizer to read
	// (each an S3 request).
	MaxChunks int
	// TargetChunks, when above 0, lets chunks grow past ChunkSize (doubling,
	// up to 8 × ChunkSize) while the input would need more than twice this
	// many: every chunk costs its worker a read of its rows and a write of
	// its part in S3, a task and a few Redis scripts, which at 100 rows was
	// a fifth of a worker's CPU. A batch's window keeps only a few of its
	// chunks in flight, so fewer, larger chunks cost it no parallelism.
	TargetChunks int
	// ClaimCheckers names, for each claim column, the providers that check
	// it: a file with a claim column its provider does not check is
	// refused with a message that names them.
	ClaimCheckers map[string][]string
	// MaxColumns and MaxHeaderBytes, when above 0, bound the header's
	// columns and length: past either, the file is TOO_MANY_COLUMNS.
	MaxColumns     int
	MaxHeaderBytes int
	// MaxLineBytes, when above 0, bounds the length of every record after
	// the header (its line breaks inside quotes included): a longer one is
	// LINE_TOO_LONG, found before the record is read into memory.
	MaxLineBytes int
	// MaxRows, when above 0, bounds the data rows: one more is
	// TOO_MANY_ROWS, found as that row is read.
	MaxRows int

	// tableRows, when above 0, is the most distinct rows the duplicate
	// table holds in memory before the rest spill (tests set it low).
	tableRows int
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// Split reads a CSV input in one pass, checks its header against spec,
// validates every row, finds duplicate rows and cuts the rows into chunks of
// opts.ChunkSize. It keeps the chunk boundaries in memory, a 12-byte
// digest per distinct valid row up to a million of them (outside the Go
// heap; past them, in a temporary file, see deduper), and of the input a
// few segments of about
// 128 KB (a longer record makes a longer segment, up to
// opts.MaxLineBytes). A file that cannot be accepted yields a
// *bulkverify.Error that names the line.
//
// Split parses on every core: it cuts the input into segments of whole
// records and validates them in parallel, then merges them in order, so
// spec's Check and Canonical must be safe for concurrent use (they are
// pure functions of the row). Split has stopped reading r when it
// returns, even on error.
func Split(r io.Reader, spec bulkverify.Spec, opts Options) (Plan, error) {
	return split(r, spec, opts, segmentBytes, runtime.GOMAXPROCS(0))
}

// split is Split cutting segments of about segment bytes, parsed by
// workers goroutines.
func split(r io.Reader, spec bulkverify.Spec, opts Options, segment, workers int) (Plan, error) {
	guard := newRecordGuard(r, opts.MaxHeaderBytes, opts.MaxLineBytes)
	br := bufio.NewReaderSize(guard, 64<<10)
	var base int64
	if p, _ := br.Peek(3); bytes.Equal(p, utf8BOM) {
		br.Discard(3)
		base = 3
	}
	cr := newReader(br)
	plan, err := readHeader(cr, spec, opts)
	if err != nil {
		return Plan{}, err
	}
	start := base + cr.InputOffset()
	s := newSplitter(plan, spec, opts, start)
	defer s.dedup.release()
	c := &cutter{r: br, size: segment, offset: start, line: guard.linesRead(br)}
	if err := parseSegments(c, workers, s.newParser, s.merge); err != nil {
		return Plan{}, err
	}
	return s.finish(c.offset)
}

// readHeader reads and checks the header: its size, its names, and the
// claim columns spec checks.
func readHeader(cr *csv.Reader, spec bulkverify.Spec, opts Options) (Plan, error) {
	header, err := cr.Read()
	if err == io.EOF {
		return Plan{}, bulkverify.Errorf(bulkverify.EEmptyFile, "the file is empty: upload a CSV with a header row (%s) and at least one data row", strings.Join(spec.Required, ","))
	}
	if err != nil {
		return Plan{}, fileError(err)
	}
	if err := checkColumns(header, opts.MaxColumns); err != nil {
		return Plan{}, err
	}
	plan := Plan{Header: normalizeHeader(header)}
	if err := checkHeader(header, plan.Header, spec); err != nil {
		return Plan{}, err
	}
	if err := checkClaims(plan.Header, spec, opts.ClaimCheckers); err != nil {
		return Plan{}, err
	}
	plan.Ignored = ignoredColumns(plan.Header, spec)
	return plan, nil
}

// problemColumn names the column a rejected row's reason is about; none
// when the row's fields do not line up with the header.
func problemColumn(row bulkverify.Row, rec, header []string, spec bulkverify.Spec) string {
	if len(rec) != len(header) {
		return ""
	}
	column, _ := spec.Problem(row)
	return column
}

func newReader(r io.Reader) *csv.Reader {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // a short or long row is a bad row, not a bad file
	return cr
}

// invisible are characters spreadsheets and editors leave in header names
// that no one can see: byte order marks and zero-width characters. They
// are dropped, so that a column is never silently lost to them.
var invisible = strings.NewReplacer("\ufeff", "", "\u200b", "", "\u200c", "", "\u200d", "", "\u2060", "", "\u00ad", "")

func normalizeHeader(h []string) []string {
	out := make([]string, len(h))
	for i, name := range h {
		out[i] = strings.ToLower(strings.TrimSpace(invisible.Replace(name)))
	}
	return out
}

func checkHeader(raw, header []string, spec bulkverify.Spec) error {
	if err := checkText(raw, 1); err != nil {
		return err
	}
	seen := map[string]int{}
	for i, name := range header {
		if name == "" {
			continue
		}
		if j, dup := seen[name]; dup {
			return bulkverify.Errorf(bulkverify.EInvalidFile, "line 1: column %q appears twice (columns %d and %d): keep one", name, j+1, i+1)
		}
		seen[name] = i
	}
	var missing []string
	for _, req := range spec.Required {
		if _, ok := seen[req]; !ok {
			missing = append(missing, req)
		}
	}
	if len(missing) > 0 {
		return bulkverify.Errorf(bulkverify.EMissingColumn,
			"line 1: missing required column %s; provider %s needs %s (found: %s)",
			quoteList(missing), spec.Name, strings.Join(spec.Required, ", "), excerpt(strings.Join(header, ","), 120))
	}
	return nil
}

// checkClaims refuses a claim column that spec does not check: a claim is
// never silently dropped.
func checkClaims(header []string, spec bulkverify.Spec, checkers map[string][]string) error {
	for i, name := range header {
		if !slices.Contains(bulkverify.ClaimColumns, name) || slices.Contains(spec.Claims, name) {
			continue
		}
		by := "no provider of this service"
		if names := checkers[name]; len(names) > 0 {
			by = "only " + strings.Join(names, ", ")
		}
		return bulkverify.Errorf(bulkverify.EUnsupportedColumn,
			"line 1, column %d: provider %s cannot check the claim column %q (it is checked by %s): remove the column, or upload the file to a provider that checks it",
			i+1, spec.Name, name, by)
	}
	return nil
}

// ignoredColumns returns the header's named columns that spec does not
// read, each once.
func ignoredColumns(header []string, spec bulkverify.Spec) []string {
	known := spec.Columns()
	var out []string
	for _, name := range header {
		if name != "" && !slices.Contains(known, name) && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}

// excerpt cuts s to at most n runes, marking the cut with ….
func excerpt(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}

// checkText rejects binary content: NUL bytes or invalid UTF-8.
func checkText(rec []string, line int) error {
	for i, f := range rec {
		if strings.IndexByte(f, 0) >= 0 || !utf8.ValidString(f) {
			return bulkverify.Errorf(bulkverify.EInvalidFile,
				"line %d, column %d: not UTF-8 text (the file looks binary): upload a CSV file saved as UTF-8", line, i+1)
		}
	}
	return nil
}

func fileError(err error) error {
	if le := limitError(err); le != nil {
		return le
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		what := pe.Err.Error()
		switch {
		case errors.Is(pe.Err, csv.ErrQuote):
			return bulkverify.Errorf(bulkverify.EInvalidFile,
				"line %d: a quoted field that starts on this line is never closed (unbalanced \", parsing stopped at line %d): fix the quote and upload the file again",
				pe.StartLine, pe.Line)
		case errors.Is(pe.Err, csv.ErrBareQuote):
			what = "a \" appears inside an unquoted field; quote the field and double the \" (\"\")"
		}
		return bulkverify.Errorf(bulkverify.EInvalidFile, "line %d, column %d: %s: fix the CSV and upload it again", pe.Line, pe.Column, what)
	}
	return fmt.Errorf("read upload: %w", err)
}

// RowFrom builds the Row numbered n from a record under header and returns
// why it cannot be verified, or "".
func RowFrom(header, rec []string, n int, spec bulkverify.Spec) (bulkverify.Row, string) {
	return rowInto(make(map[string]string, len(header)), header, rec, n, spec)
}

// sizeSample is how many rows Split reads before it sizes the duplicate
// table from Options.SizeHint.
const sizeSample = 1024

// rowInto is RowFrom filling fields, which the row then holds. A row whose
// field count is not the header's holds no field: which value belongs to
// which column is unknown, and none may be echoed under another column's
// name (a token as reference_id).
func rowInto(fields map[string]string, header, rec []string, n int, spec bulkverify.Spec) (bulkverify.Row, string) {
	row := bulkverify.Row{Number: n, Fields: fields}
	if len(rec) != len(header) {
		return row, fmt.Sprintf("the row has %d fields, the header has %d: check the row for a missing or extra comma, or a value with a comma that is not quoted", len(rec), len(header))
	}
	for i, name := range header {
		if name != "" {
			row.Fields[name] = strings.TrimSpace(rec[i])
		}
	}
	return row, spec.Validate(row)
}
