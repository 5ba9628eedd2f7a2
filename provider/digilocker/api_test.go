package digilocker

import (
	"encoding/json"
	"os"
	"reflect"
	"testing"

	"github.com/bulkverify/bulkverify/provider/providertest"
)

func TestSampleIssuedFilesDecode(t *testing.T) {
	b, err := os.ReadFile("testdata/issued_sample.json")
	if err != nil {
		t.Fatal(err)
	}
	var got IssuedFiles
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("got error %v decoding the spec's sample, want none", err)
	}
	want := IssuedFiles{Items: []IssuedFile{
		{Name: "Class XII Marksheet", Type: "file", Date: "2015-05-12T15:50:38Z", MIME: MIMETypes{"application/pdf"},
			URI: "in.gov.cbse-HSCER-201412345678", DocType: "HSCER", Description: "Class XII Marksheet", IssuerID: "in.gov.cbse", Issuer: "CBSE"},
		{Name: "Income Certificate", Type: "file", Date: "2015-05-12T15:50:38Z", MIME: MIMETypes{"application/pdf", "application/xml"},
			URI: "in.gov.delhi-INCER-98765432", DocType: "INCER", Description: "Income Certificate", IssuerID: "in.gov.delhi", Issuer: "Delhi eDistrict"},
	}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v,\nwant %+v", got, want)
	}
}

func TestSampleUserDecodes(t *testing.T) {
	b, err := os.ReadFile("testdata/user_sample.json")
	if err != nil {
		t.Fatal(err)
	}
	var got User
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("got error %v decoding the spec's sample, want none", err)
	}
	if got != SimUser {
		t.Errorf("got %+v, want the simulator's user %+v", got, SimUser)
	}
}

func TestMIMETypesDecode(t *testing.T) {
	providertest.Decodes(t, []providertest.Decoding[MIMETypes]{
		{Name: "a string is one type", JSON: `"application/pdf"`, Want: MIMETypes{"application/pdf"}},
		{Name: "an empty string is no type", JSON: `""`},
		{Name: "null is no type", JSON: `null`},
		{Name: "a list of strings is those types", JSON: `["application/pdf", " application/xml "]`, Want: MIMETypes{"application/pdf", "application/xml"}},
		{Name: "an empty list is no type", JSON: `[]`, Want: MIMETypes{}},
		{Name: "the spec's printed set-like list is refused", JSON: `[{"application/pdf"}]`, WantErr: true},
		{Name: "a number is refused", JSON: `42`, WantErr: true},
		{Name: "a list of objects is refused", JSON: `[{"type":"application/pdf"}]`, WantErr: true},
	}, nil)
}

func TestAPIErrorTrimsTheCode(t *testing.T) {
	var got APIError
	if err := json.Unmarshal([]byte(`{"error": "partner_service_unresponsive ", "error_description": "Internal server error"}`), &got); err != nil {
		t.Fatal(err)
	}
	if want := (APIError{"partner_service_unresponsive", "Internal server error"}); got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}
