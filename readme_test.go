package bulkverify

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/bulkverify/bulkverify/internal/doctest"
)

// readDocs returns README.md and every docs/*.md, concatenated.
func readDocs(t *testing.T) string { return doctest.Read(t, ".") }

// TestReadmeNamesEveryMetric: every metric the program registers (a
// "bulkverify_..." name in its code) is named in the documentation
// (README.md or docs/), so that an operator can find what each one means.
func TestReadmeNamesEveryMetric(t *testing.T) {
	readme := readDocs(t)
	name := regexp.MustCompile(`"(bulkverify_[a-z0-9_]+)"`)
	seen := map[string]string{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		b, err := os.ReadFile(path)
		for _, m := range name.FindAllSubmatch(b, -1) {
			seen[string(m[1])] = path
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) < 10 {
		t.Fatalf("found %d metric names in the code, want the program's (at least 10)", len(seen))
	}
	for metric, path := range seen {
		if !strings.Contains(readme, metric) {
			t.Errorf("%s (registered in %s) is in neither README.md nor docs/*.md", metric, path)
		}
	}
}

// TestDocsNameEveryCode: every result code a row can end with (a Code
// constant, wherever it is declared) and every error sub_code of the API
// (an E... constant) is in the documentation, in backquotes, so a caller
// can look up what it means.
func TestDocsNameEveryCode(t *testing.T) {
	docs := readDocs(t)
	resultCode := regexp.MustCompile(`\bCode\s*=\s*"([A-Z][A-Z0-9_]+)"`)
	errorCode := regexp.MustCompile(`(?m)^\s*E[A-Z][A-Za-z]*\s*=\s*"([A-Z][A-Z0-9_]+)"`)
	seen := map[string]string{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) && path != "." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		for _, re := range []*regexp.Regexp{resultCode, errorCode} {
			for _, m := range re.FindAllSubmatch(b, -1) {
				seen[string(m[1])] = path
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) < 40 {
		t.Fatalf("found %d result and error codes in the code, want the program's (at least 40)", len(seen))
	}
	// NOT_FOUND never reaches a caller: the API answers it as
	// INVALID_REQUEST_ID.
	delete(seen, "NOT_FOUND")
	for code, path := range seen {
		if !strings.Contains(docs, "`"+code+"`") {
			t.Errorf("code %s (declared in %s) is in neither README.md nor docs/*.md", code, path)
		}
	}
}
