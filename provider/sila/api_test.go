package sila

import (
	"encoding/json"
	"os"
	"reflect"
	"testing"
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
	tests := []struct {
		name    string
		json    string
		want    Text
		wantErr bool
	}{
		{"a string is kept, trimmed", `" 12345678 "`, "12345678", false},
		{"a number is its digits", `211341`, "211341", false},
		{"null is empty", `null`, "", false},
		{"a bool is refused", `true`, "", true},
		{"an object is refused", `{"bytes": 1}`, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got Text
			err := json.Unmarshal([]byte(tt.json), &got)
			if (err != nil) != tt.wantErr {
				t.Fatalf("got error %v, want error %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestValidationDetailsFlatten(t *testing.T) {
	tests := []struct {
		name string
		json string
		want ValidationDetails
		text string
	}{
		{"nested objects become dotted keys", `{"header": {"user_handle": "Missing data for required field."}}`,
			ValidationDetails{"header.user_handle": "Missing data for required field."}, "header.user_handle: Missing data for required field."},
		{"lists of messages are joined", `{"doc_types": ["Not a valid choice.", "Too many."], "page": 0}`,
			ValidationDetails{"doc_types": "Not a valid choice.; Too many.", "page": "0"}, "doc_types: Not a valid choice.; Too many.; page: 0"},
		{"a bare string is kept", `"bad input"`, ValidationDetails{"": "bad input"}, "bad input"},
		{"null is empty", `null`, ValidationDetails{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got ValidationDetails
			if err := json.Unmarshal([]byte(tt.json), &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) || got.String() != tt.text {
				t.Errorf("got %#v %q, want %#v %q", got, got.String(), tt.want, tt.text)
			}
		})
	}
}
