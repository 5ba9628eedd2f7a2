package digilocker

import "github.com/bulkverify/bulkverify/provider"

// Provider registers DigiLocker with the program. Its client secret keys
// the hmac header of the files, which cannot be checked without it.
var Provider = provider.Define(provider.Provider{Spec: Spec, Vars: vars, New: newVerifier, Simulate: simulate})

// vars are DigiLocker's settings besides the BASE_URL, RATE and BURST every
// provider has.
var vars = []provider.Var{
	{Name: "CLIENT_SECRET", Help: "the secret that keys DigiLocker's hmac header", Secret: true, Required: true, Dev: "dev-digilocker-client-secret"},
	{Name: "CLIENT_ID", Help: "DigiLocker client id, for the refresh grant (HTTP Basic with the client secret); unset: expired tokens are not refreshed", Dev: "dev-digilocker-client-id"},
	{Name: NameThresholdSetting, Shared: true, Help: "the name_score (0–100) at or above which a claimed name matches the document's", Default: "85", Dev: "85"},
	{Name: "XML_CERT", Help: "PEM certificate that signs DigiLocker's certificate XML; when set, every certificate's enveloped signature must verify against it", Dev: SimXMLCertPEM},
}
