package batchcsv

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"testing"
	"time"
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

// BenchmarkSplitMillionOneWorker is BenchmarkSplitMillion with one
// goroutine parsing segments: what parallel parsing buys.
func BenchmarkSplitMillionOneWorker(b *testing.B) {
	data := benchFile(1_000_000, "ref-%d,verified-%07d,PANCR,,\n")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	defer reportCPU(b, cpuTime())
	for b.Loop() {
		plan, err := split(bytes.NewReader(data), digilockerSpec, Options{ChunkSize: 100, SizeHint: int64(len(data))}, segmentBytes, 1)
		if err != nil || plan.TotalRows != 1_000_000 || plan.Duplicates != 0 {
			b.Fatalf("got %d rows, %d duplicates, %v; want 1000000, 0", plan.TotalRows, plan.Duplicates, err)
		}
	}
}

// BenchmarkReadCSVMillion is the baseline of BenchmarkSplitMillion, as
// `make bench` has it: a plain encoding/csv read of the same file.
func BenchmarkReadCSVMillion(b *testing.B) {
	data := benchFile(1_000_000, "ref-%d,verified-%07d,PANCR,,\n")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	defer reportCPU(b, cpuTime())
	for b.Loop() {
		r := csv.NewReader(bytes.NewReader(data))
		rows := 0
		for {
			_, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			rows++
		}
		if rows != 1_000_001 {
			b.Fatalf("got %d records, want 1000001", rows)
		}
	}
}

// BenchmarkNormalizeNewlinesMillion is the pass intake makes over an
// upload before Split: lone CRs to LF.
func BenchmarkNormalizeNewlinesMillion(b *testing.B) {
	data := benchFile(1_000_000, "ref-%d,verified-%07d,PANCR,,\n")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	defer reportCPU(b, cpuTime())
	for b.Loop() {
		if n, err := io.Copy(io.Discard, NormalizeNewlines(bytes.NewReader(data))); err != nil || n != int64(len(data)) {
			b.Fatalf("got %d bytes, %v; want %d", n, err, len(data))
		}
	}
}

// reportCPU reports the CPU time per op since from (user and system, every
// thread), beside ns/op, which other work on the machine inflates.
func reportCPU(b *testing.B, from time.Duration) {
	b.ReportMetric(float64(cpuTime()-from)/float64(b.N), "cpu-ns/op")
}

// benchFile returns a DigiLocker file of n distinct rows made with line
// (a format of the row's index, twice).
func benchFile(n int, line string) []byte {
	var buf bytes.Buffer
	buf.WriteString("reference_id,access_token,doctype,name,dob\n")
	for i := range n {
		fmt.Fprintf(&buf, line, i, i)
	}
	return buf.Bytes()
}

// benchmarkSplit splits a DigiLocker file of n distinct rows made with
// line (a format of the row's index, twice); sized passes its length as
// the upload's Content-Length.
func benchmarkSplit(b *testing.B, n int, line string, sized bool) {
	data := benchFile(n, line)
	opts := Options{ChunkSize: 100}
	if sized {
		opts.SizeHint = int64(len(data))
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	defer reportCPU(b, cpuTime())
	for b.Loop() {
		plan, err := Split(bytes.NewReader(data), digilockerSpec, opts)
		if err != nil || plan.TotalRows != n || plan.Duplicates != 0 {
			b.Fatalf("got %d rows, %d duplicates, %v; want %d, 0", plan.TotalRows, plan.Duplicates, err, n)
		}
	}
}
