package providertest

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/batchcsv"
	"github.com/bulkverify/bulkverify/provider/simulation"
)

func (f Fixture) testExample(t *testing.T) {
	spec := f.p.Spec
	input, err := os.ReadFile(filepath.Join(repoRoot(t), f.Example.Path))
	if err != nil {
		t.Fatal(err)
	}
	plan, err := batchcsv.Split(bytes.NewReader(input), spec, batchcsv.Options{ChunkSize: len(input)})
	if err != nil {
		t.Fatalf("got %v, want the example accepted", err)
	}
	header := []string{"reference_id"}
	for _, c := range spec.Columns() {
		if c != "reference_id" {
			header = append(header, c)
		}
	}
	if !slices.Equal(plan.Header, header) {
		t.Errorf("got header %v, want reference_id, then every column of the Spec: %v", plan.Header, header)
	}
	if plan.TotalRows != len(f.Example.Outcomes) || len(plan.Chunks) != 1 {
		t.Fatalf("got %d rows in %d chunks, want the %d of Outcomes in one", plan.TotalRows, len(plan.Chunks), len(f.Example.Outcomes))
	}
	rows, reasons, err := batchcsv.ReadRows(bytes.NewReader(input[plan.Chunks[0].Offset:]), plan.Header, plan.Chunks[0], spec)
	if err != nil {
		t.Fatal(err)
	}
	e := f.start(t, simulation.Faults{})
	var rejected []string
	for i, row := range rows {
		want, ok := f.Example.Outcomes[row.ReferenceID()]
		if !ok {
			t.Errorf("got row %d %q without an outcome, want one for every row", row.Number, row.ReferenceID())
		}
		if reasons[i] != "" {
			rejected = append(rejected, row.ReferenceID())
		}
		t.Run(row.ReferenceID()+" ends "+string(want), func(t *testing.T) {
			got := bulkverify.CodeInvalidRow
			if reasons[i] == "" {
				got = Settle(t, e.v, f.p.Name, row, f.Example.Attempts)
			}
			if got != want {
				t.Errorf("got %s (%s), want %s", got, reasons[i], want)
			}
		})
	}
	if !slices.Equal(rejected, f.Example.Rejected) {
		t.Errorf("got rows %v refused at intake, want %v", rejected, f.Example.Rejected)
	}
	if f.Example.After != nil {
		f.Example.After(t, e.sim)
	}
}

// repoRoot returns the directory of the go.mod above the test's.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("got no go.mod above the test's directory")
		}
		dir = parent
	}
}
