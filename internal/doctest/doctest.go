// Package doctest reads the project's documentation for the tests that
// check it names every variable, route, metric and code.
package doctest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Read returns README.md and every docs/*.md under root (the repository's
// root, relative to the test's package), concatenated: the documentation a
// reader has, wherever a fact lives in it.
func Read(t testing.TB, root string) string {
	t.Helper()
	pages, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil || len(pages) == 0 {
		t.Fatalf("no %s found (%v)", filepath.Join(root, "docs", "*.md"), err)
	}
	var all strings.Builder
	for _, name := range append([]string{filepath.Join(root, "README.md")}, pages...) {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		all.Write(b)
		all.WriteString("\n")
	}
	return all.String()
}
