package sila

import (
	"fmt"
	"time"

	"github.com/bulkverify/bulkverify"
)

// Name is the provider's name, as given in ?provider= and in
// UpstreamError.Provider.
const Name = "sila"

// Spec lists Sila's input columns; doc_types must name a document type
// and the dates, when given, must be YYYY-MM-DD in order.
var Spec = bulkverify.Spec{
	Name:     Name,
	Required: []string{"user_handle", "doc_types"},
	Optional: []string{"reference_id", "start_date", "end_date", "search"},
	Check:    checkRow,
}

func checkRow(row bulkverify.Row) string {
	if len(bulkverify.SplitList(row.Get("doc_types"))) == 0 {
		return "doc_types lists no document type: give one or more, separated by |"
	}
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
