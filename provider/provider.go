// Package provider is how the program knows an upstream provider: each
// provider/<name> package exports one Provider value, made by Define, and
// the program iterates the list in provider/providers. Adding a provider is
// one new package and one line in that list.
package provider

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/simulation"
	"github.com/bulkverify/bulkverify/provider/upstream"
)

// Provider is everything the rest of the program needs of one upstream.
type Provider struct {
	// Name is given in ?provider= and names the variables BV_<NAME>_*.
	Name string
	// Spec lists the input columns and checks a row before any upstream
	// is called.
	Spec bulkverify.Spec
	// Vars are the provider's settings besides BV_<NAME>_BASE_URL,
	// BV_<NAME>_RATE and BV_<NAME>_BURST, which every provider has.
	Vars []Var
	// New returns a client of the upstream at s.BaseURL. hc takes a token
	// of the provider's global rate limit before every request. It returns
	// an error naming the variable when a setting is missing or bad.
	New func(s Settings, hc *http.Client) (bulkverify.Verifier, error)
	// Simulate returns a simulator faithful to the provider's document
	// that accepts the credentials in s (s.BaseURL is unused), with
	// faults injected.
	Simulate func(s Settings, f simulation.Faults) Simulator
}

// Var is one BV_<NAME>_<Var.Name> setting.
type Var struct {
	// Name is the part after BV_<NAME>_, e.g. CLIENT_SECRET.
	Name string
	// Help says what it is, for the README and flags.
	Help string
	// Secret values are redacted in the configuration dump.
	Secret bool
	// Dev is the value dev mode and the simulators use when it is unset.
	Dev string
	// Default is the value when it is unset outside dev mode.
	Default string
	// Required vars must be set: New refuses settings without one.
	Required bool
	// Shared vars are the service's, not the upstream's: their variable
	// is BV_<Var.Name>, not BV_<NAME>_<Var.Name> (BV_NAME_MATCH_THRESHOLD).
	Shared bool
}

// Simulator is a provider simulator: an HTTP handler with request counts.
type Simulator interface {
	http.Handler
	Stats() simulation.Stats
}

// Settings are a provider's configured values.
type Settings struct {
	BaseURL string
	// Values holds each Var's value by Var.Name.
	Values map[string]string
}

// Endpoint returns the endpoint of a client of s whose requests hc sends.
func (s Settings) Endpoint(hc *http.Client) upstream.Endpoint {
	return upstream.Endpoint{BaseURL: s.BaseURL, HTTPClient: hc}
}

// Get returns the value of the Var named name.
func (s Settings) Get(name string) string { return s.Values[name] }

// List returns the comma-separated items of the Var named name, trimmed.
func (s Settings) List(name string) []string {
	var out []string
	for _, item := range strings.Split(s.Get(name), ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// Define returns p ready for the list in provider/providers: named by its
// Spec, and with a New that refuses settings lacking a Required Var, naming
// each one missing, before it calls p's own.
func Define(p Provider) Provider {
	p.Name = p.Spec.Name
	newClient := p.New
	p.New = func(s Settings, hc *http.Client) (bulkverify.Verifier, error) {
		if err := p.missing(s); err != nil {
			return nil, err
		}
		return newClient(s, hc)
	}
	return p
}

// missing returns an error naming each Required Var that s lacks, or nil.
func (p Provider) missing(s Settings) error {
	var missing []string
	for _, v := range p.Vars {
		if v.Required && strings.TrimSpace(s.Get(v.Name)) == "" {
			missing = append(missing, fmt.Sprintf("%s (%s)", p.VarEnv(v), v.Help))
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return fmt.Errorf("set %s to call %s", strings.Join(missing, " and "), p.Name)
}

// EnvPrefix returns BV_<NAME>_, the prefix of the provider's variables.
func (p Provider) EnvPrefix() string { return bulkverify.EnvPrefix(p.Name) }

// VarEnv returns the variable that sets v: BV_<NAME>_<v.Name>, or
// BV_<v.Name> for a Shared one.
func (p Provider) VarEnv(v Var) string {
	if v.Shared {
		return "BV_" + v.Name
	}
	return p.EnvPrefix() + v.Name
}

// DevSettings returns the settings dev mode gives the provider and its
// simulator: every Var's Dev value, overridden by getenv.
func (p Provider) DevSettings(getenv func(string) string) Settings {
	s := Settings{Values: map[string]string{}}
	for _, v := range p.Vars {
		s.Values[v.Name] = v.Dev
		if got := getenv(p.VarEnv(v)); got != "" {
			s.Values[v.Name] = got
		}
	}
	return s
}
