package deepvue_test

import (
	"testing"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/answerfuzz"
	"github.com/bulkverify/bulkverify/provider/deepvue"
)

// FuzzIssuedFilesAnswer fuzzes the answer to issued-files.
func FuzzIssuedFilesAnswer(f *testing.F) {
	row := bulkverify.Row{Number: 1, Fields: map[string]string{"initial_deepvue_transaction_id": "verified-0001", "doctype": "PANCR", "consent": "Y"}}
	answerfuzz.Fuzz(f, answerfuzz.Target{Provider: deepvue.Provider, Path: "issued-files", Row: row})
}
