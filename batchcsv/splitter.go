package batchcsv

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/bulkverify/bulkverify"
)

// splitter merges parsed segments into a plan, in input order: it counts
// and numbers the rows, keeps the first problems, finds duplicates and
// cuts the chunks.
//
// A valid row's duplicate-table insert is put off until a batch of rows
// is merged (see flush): the table is larger than the CPU's caches, so
// each insert waits on memory, and inserts made back to back wait
// together instead of one after the other.
type splitter struct {
	plan    Plan
	spec    bulkverify.Spec
	opts    Options
	start   int64 // where the first data row starts
	sized   bool  // the duplicate table has been sized from SizeHint
	chunks  *chunker
	dedup   *deduper
	pending []pendingRow
}

// pendingRow is a row merged but not yet in a chunk.
type pendingRow struct {
	n     int   // its row number
	k     int   // its ordinal in the upload, from 1
	end   int64 // the input offset after the row
	valid bool
	dupOf int
	h     digest
}

// flushRows is how many rows are merged between two flushes.
const flushRows = 256

func newSplitter(plan Plan, spec bulkverify.Spec, opts Options, start int64) *splitter {
	return &splitter{
		plan: plan, spec: spec, opts: opts, start: start,
		chunks:  newChunker(opts, start),
		dedup:   newDeduper(plan.Header, spec, opts.MaxRows, opts.tableRows),
		pending: make([]pendingRow, 0, flushRows),
	}
}

// newParser returns a parser of this split's segments.
func (s *splitter) newParser() *rowParser {
	return newRowParser(s.plan.Header, s.spec, s.opts, s.dedup.digester)
}

// merge takes a parsed segment's rows, then its error.
func (s *splitter) merge(p parsed) error {
	for i := range p.rows {
		r := &p.rows[i]
		if s.opts.MaxRows > 0 && s.plan.TotalRows == s.opts.MaxRows {
			return tooManyRows(s.opts.MaxRows, r.line)
		}
		s.plan.TotalRows++
		pr := pendingRow{n: rowNumber(s.opts.Numbers, s.plan.TotalRows), k: s.plan.TotalRows, end: r.end}
		if r.rejected {
			s.plan.RejectedRows++
			if len(s.plan.Problems) < s.opts.MaxProblems {
				s.plan.Problems = append(s.plan.Problems, RowProblem{RowNumber: pr.n, Column: r.column, Reason: r.reason})
			}
		} else {
			pr.valid, pr.h = true, r.h
		}
		s.pending = append(s.pending, pr)
		if len(s.pending) == flushRows {
			s.flush()
		}
		s.sizeFromHint(r.end)
	}
	return p.err
}

// sizeFromHint sizes the duplicate table and the chunks from
// Options.SizeHint once sizeSample rows have shown their length; offset
// is where the next row starts.
func (s *splitter) sizeFromHint(offset int64) {
	if s.sized || s.plan.TotalRows != sizeSample || s.opts.SizeHint <= 0 {
		return
	}
	s.sized = true
	s.flush() // the rows so far go in chunks of the size they were read under
	rows := int(s.opts.SizeHint / max((offset-s.start)/sizeSample, 1))
	s.dedup.reserve(rows)
	s.chunks.size = s.chunks.grown(rows)
}

// flush finds the duplicates among the pending rows, in order, and puts
// the rows in their chunks.
func (s *splitter) flush() {
	for i := range s.pending {
		p := &s.pending[i]
		if !p.valid {
			continue
		}
		if first, dup := s.dedup.seen(p.h, p.k); dup {
			s.plan.Duplicates++
			p.dupOf = rowNumber(s.opts.Numbers, first)
		}
	}
	for _, p := range s.pending {
		s.chunks.add(p.n, s.opts.Numbers != nil, p.dupOf, p.end)
	}
	s.pending = s.pending[:0]
}

// finish ends the plan at end, the input offset after the last row.
func (s *splitter) finish(end int64) (Plan, error) {
	s.flush()
	plan := s.plan
	if s.opts.Numbers != nil && len(s.opts.Numbers) != plan.TotalRows {
		return Plan{}, fmt.Errorf("split: %d row numbers for %d rows", len(s.opts.Numbers), plan.TotalRows)
	}
	plan.Chunks = s.chunks.finish(end)
	late, err := s.dedup.lateDuplicates()
	if err != nil {
		return Plan{}, fmt.Errorf("split: the duplicate check's temporary file ($TMPDIR): %w", err)
	}
	for _, l := range late {
		i, _ := slices.BinarySearchFunc(plan.Chunks, l.k, func(c Chunk, k int) int {
			return cmp.Compare(c.FirstRow+c.Rows-1, k)
		})
		c := &plan.Chunks[i]
		if c.Dups == nil {
			c.Dups = map[int]int{}
		}
		c.Dups[rowNumber(s.opts.Numbers, l.k)] = rowNumber(s.opts.Numbers, l.first)
		plan.Duplicates++
	}
	if plan.TotalRows == 0 {
		return Plan{}, bulkverify.Errorf(bulkverify.EEmptyFile, "the file has a header but no data rows: add at least one row under line 1")
	}
	return plan, nil
}
