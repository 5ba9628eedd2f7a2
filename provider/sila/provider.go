package sila

import (
	"errors"
	"net/http"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider"
	"github.com/bulkverify/bulkverify/provider/simulation"
	"github.com/bulkverify/bulkverify/provider/upstream"
)

// Provider registers Sila with the program.
var Provider = provider.Provider{
	Name: Name,
	Spec: Spec,
	Vars: []provider.Var{
		{Name: "ACCESS_TOKEN", Help: "the app's bearer token", Secret: true, Dev: "dev-sila-access-token"},
		{Name: "APP_HANDLE", Help: "the app's handle, sent as header.app_handle", Dev: "bulkverify.silamoney.eth"},
	},
	New: func(s provider.Settings, hc *http.Client) (bulkverify.Verifier, error) {
		if s.Get("ACCESS_TOKEN") == "" || s.Get("APP_HANDLE") == "" {
			return nil, errors.New("BV_SILA_ACCESS_TOKEN and BV_SILA_APP_HANDLE must both be set to call Sila")
		}
		return New(Config{Endpoint: upstream.Endpoint{BaseURL: s.BaseURL, HTTPClient: hc}, AccessToken: s.Get("ACCESS_TOKEN"), AppHandle: s.Get("APP_HANDLE")}), nil
	},
	Simulate: func(s provider.Settings, f simulation.Faults) provider.Simulator {
		return NewSimulator(SimConfig{AccessToken: s.Get("ACCESS_TOKEN"), AppHandle: s.Get("APP_HANDLE"), Faults: f})
	},
}
