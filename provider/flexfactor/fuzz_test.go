package flexfactor_test

import (
	"testing"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/answerfuzz"
	"github.com/bulkverify/bulkverify/provider/flexfactor"
)

// FuzzDocumentsAnswer fuzzes the answer to the application documents list.
func FuzzDocumentsAnswer(f *testing.F) {
	row := bulkverify.Row{Number: 1, Fields: map[string]string{"application_id": "complete-0001", "document_types": "ID"}}
	answerfuzz.Fuzz(f, answerfuzz.Target{Provider: flexfactor.Provider, Path: "/documents", Row: row})
}
