package flexfactor

import (
	"fmt"
	"strings"

	"github.com/bulkverify/bulkverify"
)

// Name is the provider's name, as given in ?provider= and in
// UpstreamError.Provider.
const Name = "flexfactor"

// Spec lists FlexFactor's input columns; document_types must name a type
// and the application id must be usable in a URL path.
var Spec = bulkverify.Spec{
	Name:     Name,
	Required: []string{"application_id", "document_types"},
	Optional: []string{"reference_id"},
	Check:    checkRow,
}

func checkRow(row bulkverify.Row) string {
	if len(bulkverify.SplitList(row.Get("document_types"))) == 0 {
		return "document_types lists no document type: give one or more, separated by |"
	}
	if id := row.Get("application_id"); strings.ContainsAny(id, "/?#% ") {
		return fmt.Sprintf("application_id %q contains characters an application id cannot have", id)
	}
	return ""
}
