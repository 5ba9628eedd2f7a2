package api

import (
	"net/http"
	"slices"

	"github.com/bulkverify/bulkverify"
)

// providerInfo is one provider of the providers answer: the columns its
// files may have and the claims it checks.
type providerInfo struct {
	Name            string   `json:"name"`
	RequiredColumns []string `json:"required_columns"`
	OptionalColumns []string `json:"optional_columns"`
	// Claims are the claim columns compared with the document, each
	// reported in its <claim>_match output column.
	Claims []string `json:"claims"`
	// SecretColumns are the claim columns that carry a secret instead of
	// a declared value (refresh_token): accepted, sealed, never compared
	// or output.
	SecretColumns []string `json:"secret_columns"`
	Enabled       bool     `json:"enabled"`
}

// providerList is the data of the providers answer.
type providerList struct {
	Providers []providerInfo `json:"providers"`
}

// handleProviders answers every provider the server knows, sorted by
// name, with its columns, its claims and whether this service has it
// configured: what the console and the CLI show instead of lists of
// their own.
func (s *Server) handleProviders(w http.ResponseWriter, r *http.Request) {
	out := providerList{Providers: []providerInfo{}}
	for _, name := range s.providerNames() {
		out.Providers = append(out.Providers, s.providerInfo(name, s.Specs[name]))
	}
	s.writeOK(w, http.StatusOK, "Providers fetched successfully", out)
}

// providerInfo describes the provider name, whose Spec is spec.
func (s *Server) providerInfo(name string, spec bulkverify.Spec) providerInfo {
	p := providerInfo{
		Name: name, RequiredColumns: nonNil(spec.Required), OptionalColumns: nonNil(spec.Optional),
		Claims: comparedClaims(spec), SecretColumns: []string{}, Enabled: slices.Contains(s.Providers, name),
	}
	for _, c := range spec.Claims {
		if !slices.Contains(bulkverify.ComparedClaims, c) {
			p.SecretColumns = append(p.SecretColumns, c)
		}
	}
	return p
}

// comparedClaims returns the claim columns spec compares with the
// document, in the order of their output columns.
func comparedClaims(spec bulkverify.Spec) []string {
	out := []string{}
	for _, c := range bulkverify.ComparedClaims {
		if slices.Contains(spec.Claims, c) {
			out = append(out, c)
		}
	}
	return out
}

// nonNil returns s, or an empty slice for nil, so that JSON says [].
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
