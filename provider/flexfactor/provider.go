package flexfactor

import "github.com/bulkverify/bulkverify/provider"

// Provider registers FlexFactor with the program.
var Provider = provider.Define(provider.Provider{Spec: Spec, Vars: vars, New: newVerifier, Simulate: simulate})

// vars are FlexFactor's settings besides the BASE_URL, RATE and BURST every
// provider has.
var vars = []provider.Var{
	{Name: "CLIENT_ID", Help: "OAuth2 client id", Required: true, Dev: "dev-flexfactor-client"},
	{Name: "CLIENT_SECRET", Help: "OAuth2 client secret", Secret: true, Required: true, Dev: "dev-flexfactor-client-secret"},
	{Name: "DOWNLOAD_HOSTS", Help: "hosts (host or host:port, comma-separated) a downloadUrl may point at; empty means the API host"},
}
