package redistest

import (
	"context"
	"testing"
)

func TestMain(m *testing.M) { Main(m) }

// Two tests running at once get two databases, each empty; a database a
// test wrote to is handed out again empty; and one another binary holds
// (its claim) is skipped.
func TestEachTestGetsAnEmptyDatabaseOfItsOwn(t *testing.T) {
	ctx := context.Background()
	var first, second string
	t.Run("a first test", func(t *testing.T) {
		a := DB(t)
		b := DB(t)
		if a == b {
			t.Fatalf("got %s twice, want two databases", a)
		}
		for _, u := range []string{a, b} {
			rdb := Connect(t, u)
			if n := rdb.Exists(ctx, "k").Val(); n != 0 {
				t.Errorf("%s: got key k already there, want an empty database", u)
			}
			rdb.Set(ctx, "k", u, 0)
		}
		first, second = a, b
	})
	// Another binary holds one of the databases.
	next := <-pool
	pool <- next
	holder := Connect(t, withDB(t, first, next))
	if err := holder.Set(ctx, claimKey, "another-binary", 0).Err(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { holder.FlushDB(ctx) })
	seen := map[string]bool{}
	for range cap(pool) {
		t.Run("a later test", func(t *testing.T) {
			u := DB(t)
			if u == withDB(t, first, next) {
				t.Errorf("got %s, which another binary holds", u)
			}
			if u == first || u == second {
				if n := Connect(t, u).Exists(ctx, "k").Val(); n != 0 {
					t.Errorf("%s handed out again with the last test's key, want it flushed", u)
				}
			}
			seen[u] = true
		})
	}
	if !seen[first] || !seen[second] {
		t.Errorf("the databases of the first test were never handed out again")
	}
}
