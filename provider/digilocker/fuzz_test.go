package digilocker_test

import (
	"testing"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/answerfuzz"
	"github.com/bulkverify/bulkverify/provider/digilocker"
)

// FuzzIssuedFilesAnswer fuzzes the answer to the issued-files list.
func FuzzIssuedFilesAnswer(f *testing.F) {
	row := bulkverify.Row{Number: 1, Fields: map[string]string{"access_token": "verified-1", "doctype": "PANCR", "name": "Sunil Kumar"}}
	answerfuzz.Fuzz(f, answerfuzz.Target{Provider: digilocker.Provider, Path: "/files/issued", Row: row})
}
