package config

import (
	"strings"
	"testing"

	"github.com/bulkverify/bulkverify/internal/doctest"

	"github.com/bulkverify/bulkverify/provider/providers"
)

// TestDocsNameEveryVariableLoadReads: every variable Load reads is in the
// documentation (README.md or docs/*.md; the table is in
// docs/configuration.md), in backquotes, either by its own name or, for a
// provider's rate and burst, as BV_<PROVIDER>_....
func TestDocsNameEveryVariableLoadReads(t *testing.T) {
	docs := doctest.Read(t, "..")
	read := map[string]bool{}
	if _, err := Load(func(k string) string { read[k] = true; return "" }, providers.All); err != nil {
		t.Fatal(err)
	}
	if len(read) < 40 {
		t.Fatalf("Load read %d variables, want the program's (at least 40)", len(read))
	}
	for k := range read {
		if strings.Contains(docs, "`"+k+"`") {
			continue
		}
		generic := ""
		for _, p := range providers.All {
			if rest, ok := strings.CutPrefix(k, p.EnvPrefix()); ok {
				generic = "`BV_<PROVIDER>_" + rest + "`"
			}
		}
		if generic == "" || !strings.Contains(docs, generic) {
			t.Errorf("Load reads %s but neither README.md nor docs/*.md names it", k)
		}
	}
}
