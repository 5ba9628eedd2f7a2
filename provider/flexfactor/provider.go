package flexfactor

import (
	"errors"
	"net/http"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider"
	"github.com/bulkverify/bulkverify/provider/simulation"
	"github.com/bulkverify/bulkverify/provider/upstream"
)

// Provider registers FlexFactor with the program.
var Provider = provider.Provider{
	Name: Name,
	Spec: Spec,
	Vars: []provider.Var{
		{Name: "CLIENT_ID", Help: "OAuth2 client id", Dev: "dev-flexfactor-client"},
		{Name: "CLIENT_SECRET", Help: "OAuth2 client secret", Secret: true, Dev: "dev-flexfactor-client-secret"},
		{Name: "DOWNLOAD_HOSTS", Help: "hosts (host or host:port, comma-separated) a downloadUrl may point at; empty means the API host"},
	},
	New: func(s provider.Settings, hc *http.Client) (bulkverify.Verifier, error) {
		if s.Get("CLIENT_ID") == "" || s.Get("CLIENT_SECRET") == "" {
			return nil, errors.New("BV_FLEXFACTOR_CLIENT_ID and BV_FLEXFACTOR_CLIENT_SECRET must both be set to call FlexFactor")
		}
		return New(Config{Endpoint: upstream.Endpoint{BaseURL: s.BaseURL, HTTPClient: hc}, ClientID: s.Get("CLIENT_ID"), ClientSecret: s.Get("CLIENT_SECRET"),
			DownloadHosts: s.List("DOWNLOAD_HOSTS")}), nil
	},
	Simulate: func(s provider.Settings, f simulation.Faults) provider.Simulator {
		return NewSimulator(SimConfig{ClientID: s.Get("CLIENT_ID"), ClientSecret: s.Get("CLIENT_SECRET"), Faults: f})
	},
}
