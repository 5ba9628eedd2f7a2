package main

import (
	"slices"
	"testing"

	"github.com/bulkverify/bulkverify/provider/providers"
)

func TestListIsEveryProviderWithItsVariables(t *testing.T) {
	t.Parallel()
	got := list()
	var names []string
	for _, p := range got {
		names = append(names, p.Name)
		for _, want := range []string{"BASE_URL", "RATE", "BURST"} {
			if !slices.ContainsFunc(p.Vars, func(v Var) bool { return v.Env == p.EnvPrefix+want }) {
				t.Errorf("%s: got no %s%s", p.Name, p.EnvPrefix, want)
			}
		}
	}
	if want := providers.Names(); !slices.Equal(names, want) {
		t.Errorf("got providers %v, want %v", names, want)
	}
	for i, p := range providers.All {
		if n := len(got[i].Vars); n != 3+len(p.Vars) {
			t.Errorf("%s: got %d variables, want %d", p.Name, n, 3+len(p.Vars))
		}
	}
}
