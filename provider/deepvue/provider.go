package deepvue

import "github.com/bulkverify/bulkverify/provider"

// Provider registers Deepvue's DigiLocker issued-files API with the
// program.
var Provider = provider.Define(provider.Provider{Spec: Spec, Vars: vars, New: newVerifier, Simulate: simulate})

// vars are Deepvue's settings besides the BASE_URL, RATE and BURST every
// provider has.
var vars = []provider.Var{
	{Name: "CLIENT_ID", Help: "sent as the client-id header", Required: true, Dev: "dev-deepvue-client"},
	{Name: "CLIENT_SECRET", Help: "the API key, sent as the x-api-key header", Secret: true, Required: true, Dev: "dev-deepvue-client-secret"},
	{Name: "PURPOSE", Help: "the purpose sent for a row without one", Default: DefaultPurpose, Dev: DefaultPurpose},
}
