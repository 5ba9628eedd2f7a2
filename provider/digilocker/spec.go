package digilocker

import (
	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/claims"
)

// Spec lists DigiLocker's input columns and the claims it checks against
// the document: its number, the holder's name, date of birth and gender.
// A row's dob must be a DDMMYYYY date and its gender one of M, F, T (or
// the long forms); refresh_token is a secret, sealed like access_token.
//
// Its Name is the provider's name, as given in ?provider=, in
// BV_DIGILOCKER_* and in UpstreamError.Provider.
var Spec = bulkverify.Spec{
	Name:     "digilocker",
	Required: []string{"access_token", "doctype"},
	Optional: []string{"reference_id", "uri"},
	Claims: []string{bulkverify.ClaimDocumentNumber, bulkverify.ClaimName, bulkverify.ClaimDOB,
		bulkverify.ClaimGender, bulkverify.ClaimRefreshToken},
	Check: claims.CheckRow,
}
