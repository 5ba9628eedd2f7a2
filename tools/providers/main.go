// Command providers prints the providers of provider/providers (their
// list, providers.All) as JSON: each one's name and the variables that
// configure it. deploy/validate, a module of its own that does not import
// this one, runs it to check the deploy manifests against the list, so that
// adding a provider stays one package and one line in that list.
//
//	go run ./tools/providers
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/bulkverify/bulkverify/provider/providers"
)

// Provider is one provider as deploy/validate reads it.
type Provider struct {
	Name string `json:"name"`
	// EnvPrefix is BV_<NAME>_, the prefix of its own variables.
	EnvPrefix string `json:"env_prefix"`
	// Vars are the variables that configure it: BV_<NAME>_BASE_URL,
	// _RATE and _BURST, then each of its own (Shared ones are BV_<NAME>).
	Vars []Var `json:"vars"`
}

// Var is one variable of a provider.
type Var struct {
	Env string `json:"env"`
	// Required variables must be set for the provider to be called once
	// its BV_<NAME>_BASE_URL is.
	Required bool `json:"required"`
	// Secret variables hold credentials.
	Secret bool `json:"secret"`
	// Shared variables are the service's (BV_<Var>), not the provider's.
	Shared bool `json:"shared"`
}

func main() {
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(list()); err != nil {
		fmt.Fprintln(os.Stderr, "providers:", err)
		os.Exit(1)
	}
}

// list describes providers.All.
func list() []Provider {
	out := make([]Provider, 0, len(providers.All))
	for _, p := range providers.All {
		pre := p.EnvPrefix()
		q := Provider{Name: p.Name, EnvPrefix: pre, Vars: []Var{
			{Env: pre + "BASE_URL"}, {Env: pre + "RATE"}, {Env: pre + "BURST"},
		}}
		for _, v := range p.Vars {
			q.Vars = append(q.Vars, Var{Env: p.VarEnv(v), Required: v.Required, Secret: v.Secret, Shared: v.Shared})
		}
		out = append(out, q)
	}
	return out
}
