package batchcsv

import (
	"bytes"
	"fmt"
	"testing"
)

// BenchmarkSplit measures intake's one pass over an upload: header check,
// row validation and chunk boundaries, for a 100,000-row DigiLocker file.
// Memory per op stays that of the chunk list, not of the file.
func BenchmarkSplit(b *testing.B) {
	benchmarkSplit(b, 100_000, "ref-%d,verified-%07d,PANCR,\"Kumar, Sunil\",31121970\n", false)
}

// BenchmarkSplitMillion is the intake's pass over a 1,000,000-row file of
// distinct rows, its duplicate table sized from the upload's length as
// the API does: the benchmark `make bench` measures end to end.
func BenchmarkSplitMillion(b *testing.B) {
	benchmarkSplit(b, 1_000_000, "ref-%d,verified-%07d,PANCR,,\n", true)
}

// benchmarkSplit splits a DigiLocker file of n distinct rows made with
// line (a format of the row's index, twice); sized passes its length as
// the upload's Content-Length.
func benchmarkSplit(b *testing.B, n int, line string, sized bool) {
	var buf bytes.Buffer
	buf.WriteString("reference_id,access_token,doctype,name,dob\n")
	for i := range n {
		fmt.Fprintf(&buf, line, i, i)
	}
	data := buf.Bytes()
	opts := Options{ChunkSize: 100}
	if sized {
		opts.SizeHint = int64(len(data))
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		plan, err := Split(bytes.NewReader(data), digilockerSpec, opts)
		if err != nil || plan.TotalRows != n || plan.Duplicates != 0 {
			b.Fatalf("got %d rows, %d duplicates, %v; want %d, 0", plan.TotalRows, plan.Duplicates, err, n)
		}
	}
}
