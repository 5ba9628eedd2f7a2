package api

import (
	"strings"
	"testing"

	"github.com/bulkverify/bulkverify/internal/doctest"
)

// TestDocsNameEveryRoute: every route the API registers is in the
// documentation (README.md or docs/*.md; the route table is in
// docs/api.md) as "`METHOD /path", so a reader finds each one.
func TestDocsNameEveryRoute(t *testing.T) {
	t.Parallel()
	docs := doctest.Read(t, "..")
	var registered []string
	for _, rt := range new(Server).apiRoutes() {
		registered = append(registered, rt.pattern)
	}
	registered = append(registered, routesLiterals(t)...)
	for _, pattern := range registered {
		key := docKey(pattern)
		// A route that serves files ({file}) is documented by its files.
		if i := strings.Index(key, "{file}"); i >= 0 {
			key = key[:i]
		}
		if !strings.Contains(docs, "`"+key) {
			t.Errorf("route %s is in neither README.md nor docs/*.md (looked for `%s)", pattern, key)
		}
	}
}
