package bulkverify

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestReadmeNamesEveryMetric: every metric the program registers (a
// "bulkverify_..." name in its code) is named in the README, so that an
// operator can find what each one means.
func TestReadmeNamesEveryMetric(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	name := regexp.MustCompile(`"(bulkverify_[a-z0-9_]+)"`)
	seen := map[string]string{}
	err = filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
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
		if !strings.Contains(string(readme), metric) {
			t.Errorf("%s (registered in %s) is not in the README", metric, path)
		}
	}
}
