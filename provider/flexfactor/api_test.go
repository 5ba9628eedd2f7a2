package flexfactor

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/providertest"
)

func TestTheSeedsSamplesDecode(t *testing.T) {
	seedDocs := []Document{
		{"document_789012", "ID", "Uploaded government-issued ID", "2024-11-16T10:00:00Z", "gov_id.pdf", "application/pdf", 524288,
			"https://api-sandbox.flexfactor.com/download/document_789012?token=xyz123"},
		{"document_789013", "ProofOfAddress", "Uploaded utility bill for address proof", "2024-11-16T10:10:00Z", "utility_bill.pdf", "application/pdf", 1024000,
			"https://api-sandbox.flexfactor.com/download/document_789013?token=abc123"},
		{"document_789014", "BusinessLicense", "Uploaded business license", "2024-11-16T10:20:00Z", "business_license.pdf", "application/pdf", 2048000,
			"https://api-sandbox.flexfactor.com/download/document_789014?token=def456"},
	}
	tests := []struct {
		sample string
		into   any
		want   any
	}{
		{"list_success_sample.json", &DocumentList{}, &DocumentList{Status: "SUCCESS", Success: true, TotalDocuments: 3, Documents: seedDocs, Errors: []string{}}},
		{"list_failure_sample.json", &DocumentList{}, &DocumentList{Status: "FAILED", Documents: []Document{}, Errors: []string{ErrInvalidApplication}}},
		{"error_404_sample.http", &APIError{}, &APIError{Errors: []string{ErrInvalidApplication}}},
		{"error_401_sample.http", &APIError{}, &APIError{Errors: []string{ErrInvalidBearer}}},
	}
	for _, tt := range tests {
		t.Run("the seed's "+tt.sample+" decodes into the adapter's types", func(t *testing.T) {
			_, body := readSample(t, tt.sample)
			if err := json.Unmarshal(body, tt.into); err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if !reflect.DeepEqual(tt.into, tt.want) {
				t.Errorf("got %+v,\nwant %+v", tt.into, tt.want)
			}
		})
	}
	t.Run("the simulator's documents are the seed's, scaled down 256 times", func(t *testing.T) {
		for i, d := range seedDocuments {
			want := seedDocs[i]
			want.FileSize /= 256
			d.DownloadURL = want.DownloadURL
			if d != want {
				t.Errorf("got %+v, want %+v", d, want)
			}
		}
	})
}

func TestTheSeedsSampleAnswersThroughTheAdapter(t *testing.T) {
	tests := []struct {
		sample string
		want   providertest.Want
	}{
		// The sample's links are on api-sandbox.flexfactor.com, not the stub's host.
		{"list_success_sample.json", final(bulkverify.StatusNotVerified, bulkverify.CodeUntrustedDownloadURL, "is on host api-sandbox.flexfactor.com")},
		{"list_failure_sample.json", final(bulkverify.StatusNotVerified, bulkverify.CodeApplicationNotFound, "HTTP 200 success:false: Invalid application ID.")},
		{"error_404_sample.http", final(bulkverify.StatusNotVerified, bulkverify.CodeApplicationNotFound, "HTTP 404: Invalid application ID.")},
		{"error_401_sample.http", final(bulkverify.StatusFailed, bulkverify.CodeTokenInvalid, "HTTP 401: Authentication failed. Invalid bearer token.")},
	}
	for _, tt := range tests {
		t.Run("the seed's "+tt.sample+" is "+tt.want.String(), func(t *testing.T) {
			status, body := readSample(t, tt.sample)
			e := newStubEnv(t, scripted("/v1/", status, string(body)))
			res, err := providertest.Verify(t, e.c, appRow("application-1", allTypes))
			tt.want.Check(t, res, err)
			if got := len(e.rec.Exchanges("/download/")); got != 0 {
				t.Errorf("got %d downloads, want none", got)
			}
		})
	}
}

func TestSecondsDecode(t *testing.T) {
	providertest.Decodes(t, []providertest.Decoding[Seconds]{
		{Name: "a number is seconds", JSON: `3600`, Want: 3600},
		{Name: "a number in a string is seconds", JSON: `"3600"`, Want: 3600},
		{Name: "a fraction is cut to whole seconds", JSON: `59.9`, Want: 59},
		{Name: "null is no lifetime", JSON: `null`},
		{Name: "a word is refused", JSON: `"soon"`, WantErr: true},
		{Name: "an object is refused", JSON: `{}`, WantErr: true},
	}, nil)
}
