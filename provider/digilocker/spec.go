package digilocker

import (
	"fmt"

	"github.com/bulkverify/bulkverify"
)

// Spec lists DigiLocker's input columns; a row's dob, when given, must be
// a date in DDMMYYYY form.
//
// Its Name is the provider's name, as given in ?provider=, in
// BV_DIGILOCKER_* and in UpstreamError.Provider.
var Spec = bulkverify.Spec{
	Name:     "digilocker",
	Required: []string{"access_token", "doctype"},
	Optional: []string{"reference_id", "uri", "name", "dob"},
	Check:    checkRow,
}

func checkRow(row bulkverify.Row) string {
	if dob := row.Get("dob"); dob != "" && !isDDMMYYYY(dob) {
		return fmt.Sprintf("dob %q is not a date in DDMMYYYY form (e.g. 31121970)", dob)
	}
	return ""
}

func isDDMMYYYY(s string) bool {
	if len(s) != 8 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	d := int(s[0]-'0')*10 + int(s[1]-'0')
	m := int(s[2]-'0')*10 + int(s[3]-'0')
	return d >= 1 && d <= 31 && m >= 1 && m <= 12
}
