package api

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/providers"
)

func TestProvidersListsEveryKnownProviderWithItsColumnsAndClaims(t *testing.T) {
	t.Parallel()
	s := newAuthServer(time.Now)
	s.Specs, s.Providers = providers.Specs(), []string{"digilocker"}
	code, body := get(t, s.Handler(), "/v1/providers")
	if code != http.StatusOK {
		t.Fatalf("got HTTP %d %s, want 200", code, body)
	}
	var got struct {
		Data providerList `json:"data"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range got.Data.Providers {
		names = append(names, p.Name)
	}
	if want := providers.Names(); !slices.Equal(names, want) {
		t.Fatalf("got providers %q, want every known one sorted: %q", names, want)
	}
	for _, p := range got.Data.Providers {
		spec := s.Specs[p.Name]
		t.Run(p.Name+" has the columns and claims of its spec", func(t *testing.T) {
			if !slices.Equal(p.RequiredColumns, spec.Required) || !slices.Equal(p.OptionalColumns, nonNil(spec.Optional)) {
				t.Errorf("got required %q optional %q, want %q %q", p.RequiredColumns, p.OptionalColumns, spec.Required, spec.Optional)
			}
			all := append(slices.Clone(p.Claims), p.SecretColumns...)
			slices.Sort(all)
			want := slices.Sorted(slices.Values(spec.Claims))
			if !slices.Equal(all, want) {
				t.Errorf("got claims %q and secret columns %q, want together the spec's claims %q", p.Claims, p.SecretColumns, spec.Claims)
			}
			if p.Enabled != (p.Name == "digilocker") {
				t.Errorf("got enabled %v, want true for digilocker alone, the one configured", p.Enabled)
			}
		})
	}
	i := slices.IndexFunc(got.Data.Providers, func(p providerInfo) bool { return p.Name == "digilocker" })
	if i < 0 {
		t.Fatal("got no digilocker")
	}
	d := got.Data.Providers[i]
	if want := []string{"document_number", "name", "dob", "gender"}; !slices.Equal(d.Claims, want) {
		t.Errorf("digilocker: got claims %q, want %q", d.Claims, want)
	}
	if want := []string{bulkverify.ClaimRefreshToken}; !slices.Equal(d.SecretColumns, want) {
		t.Errorf("digilocker: got secret columns %q, want %q: refresh_token is accepted, never compared", d.SecretColumns, want)
	}
}
