package batchcsv

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"slices"

	"github.com/bulkverify/bulkverify"
)

// referenceSplit is Split as it was before the fast path (one
// encoding/csv record and one fields map per row, every duplicate found
// by its full key in a map): the fast path must give the same plan and the
// same error for every input.
func referenceSplit(r io.Reader, spec bulkverify.Spec, opts Options) (Plan, error) {
	br := bufio.NewReaderSize(newRecordGuard(r, opts.MaxHeaderBytes, opts.MaxLineBytes), 64<<10)
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
	chunks := newChunker(opts, start)
	seen := map[string]int{}
	for {
		if plan.TotalRows == sizeSample && opts.SizeHint > 0 {
			read := base + cr.InputOffset() - start
			chunks.size = chunks.grown(int(opts.SizeHint / max(read/sizeSample, 1)))
		}
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return Plan{}, fileError(err)
		}
		line, _ := cr.FieldPos(0)
		if err := checkText(rec, line); err != nil {
			return Plan{}, err
		}
		if opts.MaxRows > 0 && plan.TotalRows == opts.MaxRows {
			return Plan{}, tooManyRows(opts.MaxRows, line)
		}
		plan.TotalRows++
		n := rowNumber(opts.Numbers, plan.TotalRows)
		row, reason := RowFrom(plan.Header, rec, n, spec)
		dupOf := 0
		if reason != "" {
			plan.RejectedRows++
			if len(plan.Problems) < opts.MaxProblems {
				plan.Problems = append(plan.Problems, RowProblem{RowNumber: n, Column: problemColumn(row, rec, plan.Header, spec), Reason: reason})
			}
		} else {
			key := referenceKey(spec, row)
			if first, dup := seen[key]; dup {
				plan.Duplicates++
				dupOf = first
			} else {
				seen[key] = n
			}
		}
		chunks.add(n, opts.Numbers != nil, dupOf, base+cr.InputOffset())
	}
	return referenceFinish(plan, chunks, opts, base+cr.InputOffset())
}

// referenceFinish is the end of referenceSplit: the plan's last checks.
func referenceFinish(plan Plan, chunks *chunker, opts Options, end int64) (Plan, error) {
	if opts.Numbers != nil && len(opts.Numbers) != plan.TotalRows {
		return Plan{}, fmt.Errorf("split: %d row numbers for %d rows", len(opts.Numbers), plan.TotalRows)
	}
	plan.Chunks = chunks.finish(end)
	if plan.TotalRows == 0 {
		return Plan{}, bulkverify.Errorf(bulkverify.EEmptyFile, "the file has a header but no data rows: add at least one row under line 1")
	}
	return plan, nil
}

// referenceKey is the whole of what makes two valid rows duplicates.
func referenceKey(spec bulkverify.Spec, row bulkverify.Row) string {
	key := ""
	for _, c := range spec.UpstreamColumns() {
		key += fmt.Sprintf("%q,", spec.CanonicalValue(c, row.Get(c)))
	}
	return key
}

// referenceNormalize is NormalizeNewlines byte by byte: a CR not followed
// by LF is LF.
func referenceNormalize(data []byte) []byte {
	out := slices.Clone(data)
	for i, b := range data {
		if b == '\r' && (i+1 == len(data) || data[i+1] != '\n') {
			out[i] = '\n'
		}
	}
	return out
}
