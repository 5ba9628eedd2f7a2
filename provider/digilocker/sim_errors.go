package digilocker

import "net/http"

// simSpecErrors are the rows of the spec's error tables for the e-Aadhaar
// XML and the refresh grant whose codes SpecErrors may lack; the simulator
// answers with them.
var simSpecErrors = []SpecError{
	{"get e-Aadhaar XML", "aadhaar_not_linked", http.StatusNotFound, "Aadhaar is not linked to the account"},
	{"get e-Aadhaar XML", "aadhaar_not_available", http.StatusNotFound, "Aadhaar data is not available for this user. Please perform Aadhaar eKYC again."},
	{"refresh access token", "invalid_client", http.StatusBadRequest, "The client credentials are invalid"},
	{"refresh access token", "invalid_grant", http.StatusBadRequest, "The refresh token is invalid"},
	{"refresh access token", "invalid_grant_type", http.StatusBadRequest, "The grant_type parameter is invalid"},
}

// specError returns the row of the spec's tables, SpecErrors first, whose
// code is code.
func specError(code string) (SpecError, bool) {
	for _, table := range [][]SpecError{SpecErrors, simSpecErrors} {
		for _, e := range table {
			if e.Code == code {
				return e, true
			}
		}
	}
	return SpecError{}, false
}
