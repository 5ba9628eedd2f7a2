// Package providers lists the upstream providers the program knows. Adding
// a provider is one new provider/<name> package and one line here.
package providers

import (
	"slices"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider"
	"github.com/bulkverify/bulkverify/provider/deepvue"
	"github.com/bulkverify/bulkverify/provider/digilocker"
	"github.com/bulkverify/bulkverify/provider/flexfactor"
	"github.com/bulkverify/bulkverify/provider/sila"
)

// All is every provider, sorted by name.
var All = []provider.Provider{
	deepvue.Provider,
	digilocker.Provider,
	flexfactor.Provider,
	sila.Provider,
}

// Specs returns every provider's Spec by name.
func Specs() map[string]bulkverify.Spec {
	out := make(map[string]bulkverify.Spec, len(All))
	for _, p := range All {
		out[p.Name] = p.Spec
	}
	return out
}

// Names returns the providers' names, sorted.
func Names() []string {
	out := make([]string, len(All))
	for i, p := range All {
		out[i] = p.Name
	}
	slices.Sort(out)
	return out
}
