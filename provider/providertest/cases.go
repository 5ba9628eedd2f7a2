package providertest

import (
	"slices"
	"testing"

	"github.com/bulkverify/bulkverify"
)

// Case is a row and what Verify must give for it.
type Case struct {
	Name string
	Row  bulkverify.Row
	Want Want
	// Document, when set, is the DocumentID of the result.
	Document string
}

// Verifies verifies the Row of each case with v, in order, and checks what
// it gives.
func Verifies(t *testing.T, v bulkverify.Verifier, cases []Case) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			res, err := Verify(t, v, c.Row)
			c.Want.Check(t, res, err)
			if c.Document != "" && res.DocumentID != c.Document {
				t.Errorf("got document %q, want %q", res.DocumentID, c.Document)
			}
		})
	}
}

// Covered fails for each of want that tested lacks: every kind of account
// a simulator knows, every error answer it gives, has a case. what names
// them in the message.
func Covered(t *testing.T, what string, want, tested []string) {
	t.Helper()
	for _, w := range want {
		if !slices.Contains(tested, w) {
			t.Errorf("got %s %s without a case, want every one tested", what, w)
		}
	}
}

// Find returns the first of items whose key is key, or fails.
func Find[T any](t *testing.T, items []T, key string, keyOf func(T) string) T {
	t.Helper()
	i := slices.IndexFunc(items, func(it T) bool { return keyOf(it) == key })
	if i < 0 {
		t.Fatalf("got no entry %s, want one", key)
	}
	return items[i]
}

// Apply returns v changed by each of opts in turn: a test's changes to a
// Config.
func Apply[T any](v T, opts ...func(*T)) T {
	for _, o := range opts {
		o(&v)
	}
	return v
}
