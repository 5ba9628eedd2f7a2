package upstream

import (
	"fmt"

	"github.com/bulkverify/bulkverify"
)

// Checks returns a Spec.Check that gives the reason of the first of checks
// that refuses a row, or "".
func Checks(checks ...func(bulkverify.Row) string) func(bulkverify.Row) string {
	return func(row bulkverify.Row) string {
		for _, check := range checks {
			if reason := check(row); reason != "" {
				return reason
			}
		}
		return ""
	}
}

// ListsSome returns a check that refuses a row whose "|"-separated column
// col lists no item; what names an item, as in "document type".
func ListsSome(col, what string) func(bulkverify.Row) string {
	return func(row bulkverify.Row) string {
		if len(bulkverify.SplitList(row.Get(col))) == 0 {
			return fmt.Sprintf("%s lists no %s: give one or more, separated by |", col, what)
		}
		return ""
	}
}
