package digilocker

import (
	"encoding/json"
	"os"
	"reflect"
	"testing"
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
	tests := []struct {
		name    string
		json    string
		want    MIMETypes
		wantErr bool
	}{
		{"a string is one type", `"application/pdf"`, MIMETypes{"application/pdf"}, false},
		{"an empty string is no type", `""`, nil, false},
		{"null is no type", `null`, nil, false},
		{"a list of strings is those types", `["application/pdf", " application/xml "]`, MIMETypes{"application/pdf", "application/xml"}, false},
		{"an empty list is no type", `[]`, MIMETypes{}, false},
		{"the spec's printed set-like list is refused", `[{"application/pdf"}]`, nil, true},
		{"a number is refused", `42`, nil, true},
		{"a list of objects is refused", `[{"type":"application/pdf"}]`, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got MIMETypes
			err := json.Unmarshal([]byte(tt.json), &got)
			if (err != nil) != tt.wantErr {
				t.Fatalf("got error %v, want error %v", err, tt.wantErr)
			}
			if !tt.wantErr && !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
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
