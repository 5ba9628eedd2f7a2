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
	var buf bytes.Buffer
	buf.WriteString("reference_id,access_token,doctype,name,dob\n")
	for i := range 100_000 {
		fmt.Fprintf(&buf, "ref-%d,verified-%07d,PANCR,\"Kumar, Sunil\",31121970\n", i, i)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		plan, err := Split(bytes.NewReader(data), digilockerSpec, Options{ChunkSize: 100})
		if err != nil || plan.TotalRows != 100_000 {
			b.Fatalf("got %d rows, %v", plan.TotalRows, err)
		}
	}
}

// BenchmarkSplitMillion is the intake's pass over a 1,000,000-row file of
// distinct rows, its duplicate table sized from the upload's length as
// the API does: the benchmark `make bench` measures end to end.
func BenchmarkSplitMillion(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString("reference_id,access_token,doctype,name,dob\n")
	for i := range 1_000_000 {
		fmt.Fprintf(&buf, "ref-%d,verified-%07d,PANCR,,\n", i, i)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		plan, err := Split(bytes.NewReader(data), digilockerSpec, Options{ChunkSize: 100, SizeHint: int64(len(data))})
		if err != nil || plan.TotalRows != 1_000_000 || plan.Duplicates != 0 {
			b.Fatalf("got %d rows, %d duplicates, %v", plan.TotalRows, plan.Duplicates, err)
		}
	}
}
