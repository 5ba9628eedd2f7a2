package digilocker

import "github.com/bulkverify/bulkverify/provider"

// Provider registers DigiLocker with the program. Its client secret keys
// the hmac header of the files, which cannot be checked without it.
var Provider = provider.Define(provider.Provider{Spec: Spec, Vars: vars, New: newVerifier, Simulate: simulate})

// vars are DigiLocker's settings besides the BASE_URL, RATE and BURST every
// provider has.
var vars = []provider.Var{
	{Name: "CLIENT_SECRET", Help: "the secret that keys DigiLocker's hmac header", Secret: true, Required: true, Dev: "dev-digilocker-client-secret"},
}
