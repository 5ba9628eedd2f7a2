package sila

import "github.com/bulkverify/bulkverify/provider"

// Provider registers Sila with the program.
var Provider = provider.Define(provider.Provider{Spec: Spec, Vars: vars, New: newVerifier, Simulate: simulate})

// vars are Sila's settings besides the BASE_URL, RATE and BURST every
// provider has.
var vars = []provider.Var{
	{Name: "ACCESS_TOKEN", Help: "the app's bearer token", Secret: true, Required: true, Dev: "dev-sila-access-token"},
	{Name: "APP_HANDLE", Help: "the app's handle, sent as header.app_handle", Required: true, Dev: "bulkverify.silamoney.eth"},
}
