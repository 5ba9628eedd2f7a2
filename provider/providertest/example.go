package providertest

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/batchcsv"
	"github.com/bulkverify/bulkverify/provider/simulation"
)

func (f Fixture) testExample(t *testing.T) {
	f.runExample(t, f.Example, f.p.Spec.Required, f.p.Spec.Optional, f.exampleClaims(t))
}

// exampleClaims returns the claim columns the example's header ends with.
func (f Fixture) exampleClaims(t *testing.T) []string {
	input, err := os.ReadFile(filepath.Join(repoRoot(t), f.Example.Path))
	if err != nil {
		t.Fatal(err)
	}
	line, _, _ := bytes.Cut(input, []byte("\n"))
	var claims []string
	for _, c := range strings.Split(strings.TrimSpace(string(line)), ",") {
		if slices.Contains(f.p.Spec.Claims, c) {
			claims = append(claims, c)
		}
	}
	return claims
}

// testClaimsExample runs the claims example of a provider that checks
// claims its main example does not hold: its header has every column of
// the Spec, claims included.
func (f Fixture) testClaimsExample(t *testing.T) {
	if len(f.exampleClaims(t)) == len(f.p.Spec.Claims) {
		return
	}
	if len(f.ClaimsExample.Outcomes) == 0 {
		t.Fatalf("the fixture has no ClaimsExample for a provider that checks claims: add examples/%s-claims.csv and its outcomes", f.p.Name)
	}
	f.runExample(t, f.ClaimsExample, f.p.Spec.Columns())
}

// runExample splits ex's file as the intake does, checks that its header
// is reference_id then every column of cols, and settles each row.
func (f Fixture) runExample(t *testing.T, ex Example, cols ...[]string) {
	spec := f.p.Spec
	input, err := os.ReadFile(filepath.Join(repoRoot(t), ex.Path))
	if err != nil {
		t.Fatal(err)
	}
	plan, err := batchcsv.Split(bytes.NewReader(input), spec, batchcsv.Options{ChunkSize: len(input)})
	if err != nil {
		t.Fatalf("got %v, want the example accepted", err)
	}
	header := []string{"reference_id"}
	for _, c := range slices.Concat(cols...) {
		if c != "reference_id" {
			header = append(header, c)
		}
	}
	if !slices.Equal(plan.Header, header) {
		t.Errorf("got header %v, want reference_id, then these columns of the Spec: %v", plan.Header, header)
	}
	if plan.TotalRows != len(ex.Outcomes) || len(plan.Chunks) != 1 {
		t.Fatalf("got %d rows in %d chunks, want the %d of Outcomes in one", plan.TotalRows, len(plan.Chunks), len(ex.Outcomes))
	}
	rows, reasons, err := batchcsv.ReadRows(bytes.NewReader(input[plan.Chunks[0].Offset:]), plan.Header, plan.Chunks[0], spec)
	if err != nil {
		t.Fatal(err)
	}
	e := f.start(t, simulation.Faults{})
	var rejected []string
	for i, row := range rows {
		want, ok := ex.Outcomes[row.ReferenceID()]
		if !ok {
			t.Errorf("got row %d %q without an outcome, want one for every row", row.Number, row.ReferenceID())
		}
		if reasons[i] != "" {
			rejected = append(rejected, row.ReferenceID())
		}
		t.Run(row.ReferenceID()+" ends "+string(want), func(t *testing.T) {
			got := bulkverify.CodeInvalidRow
			if reasons[i] == "" {
				got = Settle(t, e.v, f.p.Name, row, ex.Attempts)
			}
			if got != want {
				t.Errorf("got %s (%s), want %s", got, reasons[i], want)
			}
		})
	}
	if !slices.Equal(rejected, ex.Rejected) {
		t.Errorf("got rows %v refused at intake, want %v", rejected, ex.Rejected)
	}
	if ex.After != nil {
		ex.After(t, e.sim)
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
