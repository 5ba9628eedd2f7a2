package claims

import (
	"fmt"

	"github.com/bulkverify/bulkverify"
)

// CheckRow returns why row's claim values cannot be compared, or "": a
// dob that is not a DDMMYYYY date, a gender that is not one of M, F, T,
// MALE, FEMALE, TRANSGENDER. The reason names its column first and never
// quotes a personal value.
func CheckRow(row bulkverify.Row) string {
	if dob := row.Get(bulkverify.ClaimDOB); dob != "" && !isDDMMYYYY(dob) {
		return "dob is not a date in DDMMYYYY form (e.g. 31121970)"
	}
	if g := row.Get(bulkverify.ClaimGender); g != "" && Gender(g) == "" {
		return fmt.Sprintf("gender %q is not one of M, F, T (or MALE, FEMALE, TRANSGENDER)", clip(g))
	}
	return ""
}

func isDDMMYYYY(s string) bool {
	if len(s) != 8 || !allDigits(s) {
		return false
	}
	t, _, ok := ParseDate(s)
	return ok && t.Format("02012006") == s
}
