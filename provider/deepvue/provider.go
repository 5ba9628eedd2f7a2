package deepvue

import (
	"errors"
	"net/http"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider"
	"github.com/bulkverify/bulkverify/provider/simulation"
	"github.com/bulkverify/bulkverify/provider/upstream"
)

// Provider registers Deepvue's DigiLocker issued-files API with the
// program.
var Provider = provider.Provider{
	Name: Name,
	Spec: Spec,
	Vars: []provider.Var{
		{Name: "CLIENT_ID", Help: "sent as the client-id header", Dev: "dev-deepvue-client"},
		{Name: "CLIENT_SECRET", Help: "the API key, sent as the x-api-key header", Secret: true, Dev: "dev-deepvue-client-secret"},
		{Name: "PURPOSE", Help: "the purpose sent for a row without one", Default: DefaultPurpose, Dev: DefaultPurpose},
	},
	New: func(s provider.Settings, hc *http.Client) (bulkverify.Verifier, error) {
		if s.Get("CLIENT_ID") == "" || s.Get("CLIENT_SECRET") == "" {
			return nil, errors.New("BV_DEEPVUE_CLIENT_ID and BV_DEEPVUE_CLIENT_SECRET must both be set to call Deepvue")
		}
		return New(Config{Endpoint: upstream.Endpoint{BaseURL: s.BaseURL, HTTPClient: hc}, ClientID: s.Get("CLIENT_ID"), ClientSecret: s.Get("CLIENT_SECRET"),
			Purpose: s.Get("PURPOSE")}), nil
	},
	Simulate: func(s provider.Settings, f simulation.Faults) provider.Simulator {
		return NewSimulator(SimConfig{ClientID: s.Get("CLIENT_ID"), ClientSecret: s.Get("CLIENT_SECRET"), Faults: f})
	},
}
