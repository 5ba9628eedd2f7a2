package sila_test

import (
	"testing"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/answerfuzz"
	"github.com/bulkverify/bulkverify/provider/sila"
)

// FuzzListDocumentsAnswer fuzzes the answer to list_documents.
func FuzzListDocumentsAnswer(f *testing.F) {
	row := bulkverify.Row{Number: 1, Fields: map[string]string{"user_handle": "verified-0001", "doc_types": "id_drivers_license"}}
	answerfuzz.Fuzz(f, answerfuzz.Target{Provider: sila.Provider, Path: "list_documents", Row: row})
}
