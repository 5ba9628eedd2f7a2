package digilocker

import (
	"errors"
	"net/http"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider"
	"github.com/bulkverify/bulkverify/provider/simulation"
	"github.com/bulkverify/bulkverify/provider/upstream"
)

// Provider registers DigiLocker with the program.
var Provider = provider.Provider{
	Name: Name,
	Spec: Spec,
	Vars: []provider.Var{
		{Name: "CLIENT_SECRET", Help: "the secret that keys DigiLocker's hmac header", Secret: true, Dev: "dev-digilocker-client-secret"},
	},
	New: func(s provider.Settings, hc *http.Client) (bulkverify.Verifier, error) {
		if s.Get("CLIENT_SECRET") == "" {
			return nil, errors.New("BV_DIGILOCKER_CLIENT_SECRET is not set: DigiLocker's file hmac cannot be checked without it")
		}
		return New(Config{Endpoint: upstream.Endpoint{BaseURL: s.BaseURL, HTTPClient: hc}, ClientSecret: s.Get("CLIENT_SECRET")}), nil
	},
	Simulate: func(s provider.Settings, f simulation.Faults) provider.Simulator {
		return NewSimulator(SimConfig{ClientSecret: s.Get("CLIENT_SECRET"), Faults: f})
	},
}
