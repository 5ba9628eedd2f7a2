package sila

import (
	"encoding/json"
	"os"
	"reflect"
	"testing"

	"github.com/bulkverify/bulkverify/provider/providertest"
)

func TestSeedSampleResponseDecodes(t *testing.T) {
	b, err := os.ReadFile("testdata/list_documents_sample.json")
	if err != nil {
		t.Fatal(err)
	}
	var got ListDocumentsResponse
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("got error %v decoding the seed's sample, want none", err)
	}
	want := ListDocumentsResponse{
		Success:        true,
		Status:         "SUCCESS",
		Reference:      "<your unique id>",
		ResponseTimeMS: "171",
		Documents:      []Document{SampleDocument},
		Pagination:     Pagination{ReturnedCount: 2, TotalCount: 2, CurrentPage: 1, TotalPages: 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v,\nwant %+v", got, want)
	}
	if got.failed() {
		t.Error("got the sample read as a failure, want a success")
	}
}

func TestResponseFailed(t *testing.T) {
	tests := []struct {
		name string
		json string
		want bool
	}{
		{"success true is no failure", `{"success": true, "status": "SUCCESS"}`, false},
		{"success false is a failure", `{"success": false, "status": "FAILURE", "message": "no"}`, true},
		{"status SUCCESS without success is no failure", `{"status": "SUCCESS", "documents": []}`, false},
		{"status FAILURE without success is a failure", `{"status": "FAILURE"}`, true},
		{"an empty object is a failure", `{}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r ListDocumentsResponse
			if err := json.Unmarshal([]byte(tt.json), &r); err != nil {
				t.Fatal(err)
			}
			if got := r.failed(); got != tt.want {
				t.Errorf("got failed %v, want %v", got, tt.want)
			}
		})
	}
}

func TestTextDecode(t *testing.T) {
	providertest.Decodes(t, []providertest.Decoding[Text]{
		{Name: "a string is kept, trimmed", JSON: `" 12345678 "`, Want: "12345678"},
		{Name: "a number is its digits", JSON: `211341`, Want: "211341"},
		{Name: "null is empty", JSON: `null`},
		{Name: "a bool is refused", JSON: `true`, WantErr: true},
		{Name: "an object is refused", JSON: `{"bytes": 1}`, WantErr: true},
	}, nil)
}

func TestValidationDetailsFlatten(t *testing.T) {
	providertest.Decodes(t, []providertest.Decoding[ValidationDetails]{
		{Name: "nested objects become dotted keys", JSON: `{"header": {"user_handle": "Missing data for required field."}}`,
			Want: ValidationDetails{"header.user_handle": "Missing data for required field."}, Text: "header.user_handle: Missing data for required field."},
		{Name: "lists of messages are joined", JSON: `{"doc_types": ["Not a valid choice.", "Too many."], "page": 0}`,
			Want: ValidationDetails{"doc_types": "Not a valid choice.; Too many.", "page": "0"}, Text: "doc_types: Not a valid choice.; Too many.; page: 0"},
		{Name: "a bare string is kept", JSON: `"bad input"`, Want: ValidationDetails{"": "bad input"}, Text: "bad input"},
		{Name: "null is empty", JSON: `null`, Want: ValidationDetails{}},
	}, ValidationDetails.String)
}
