package flexfactor

import (
	"fmt"
	"strings"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/upstream"
)

// Spec lists FlexFactor's input columns; document_types must name a type
// and the application id must be usable in a URL path.
//
// Its Name is the provider's name, as given in ?provider=, in
// BV_FLEXFACTOR_* and in UpstreamError.Provider.
var Spec = bulkverify.Spec{
	Name:     "flexfactor",
	Required: []string{"application_id", "document_types"},
	Optional: []string{"reference_id"},
	Check:    upstream.Checks(upstream.ListsSome("document_types", "document type"), checkApplicationID),
}

// checkApplicationID refuses an application id that cannot stand in a URL
// path.
func checkApplicationID(row bulkverify.Row) string {
	if id := row.Get("application_id"); strings.ContainsAny(id, "/?#% ") {
		return fmt.Sprintf("application_id %q contains characters an application id cannot have", id)
	}
	return ""
}
