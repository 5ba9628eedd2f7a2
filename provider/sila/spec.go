package sila

import (
	"fmt"
	"time"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/upstream"
)

// Spec lists Sila's input columns; doc_types must name a document type
// and the dates, when given, must be YYYY-MM-DD in order.
//
// Its Name is the provider's name, as given in ?provider=, in
// BV_SILA_* and in UpstreamError.Provider.
var Spec = bulkverify.Spec{
	Name:     "sila",
	Required: []string{"user_handle", "doc_types"},
	Optional: []string{"reference_id", "start_date", "end_date", "search"},
	Check:    upstream.Checks(upstream.ListsSome("doc_types", "document type"), checkDates),
}

// checkDates refuses a start_date or end_date that is not a date, and a
// start_date after the end_date.
func checkDates(row bulkverify.Row) string {
	for _, col := range []string{"start_date", "end_date"} {
		if v := row.Get(col); v != "" {
			if _, err := time.Parse(time.DateOnly, v); err != nil {
				return fmt.Sprintf("%s %q is not a date in YYYY-MM-DD form", col, v)
			}
		}
	}
	if s, e := row.Get("start_date"), row.Get("end_date"); s != "" && e != "" && s > e {
		return fmt.Sprintf("start_date %s is after end_date %s", s, e)
	}
	return ""
}
