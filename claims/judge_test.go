package claims

import (
	"strings"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify"
)

func TestJudgeApply(t *testing.T) {
	today := func() time.Time { return time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC) }
	cert := func(values map[string]string) Evidence {
		var ev Evidence
		for c, v := range values {
			ev.Set(c, Value{Text: v, Source: bulkverify.SourceCertificate})
		}
		return ev
	}
	holder := map[string]string{"document_number": "ABCPS1234K", "name": "SUNIL KUMAR", "dob": "31-12-1970", "gender": "M"}
	tests := []struct {
		name     string
		row      map[string]string
		ev       Evidence
		status   bulkverify.Status
		code     bulkverify.Code
		matches  string // document_number, name, dob, gender
		inMsg    []string
		validity string
	}{
		{name: "every claim borne out is VERIFIED", row: map[string]string{"document_number": "ABCPS1234K", "name": "Mr. Sunil Kumar", "dob": "31121970", "gender": "male"},
			ev: cert(holder), status: bulkverify.StatusVerified, code: bulkverify.CodeOK, matches: "MATCH MATCH MATCH MATCH"},
		{name: "a wrong number is DOCUMENT_NUMBER_MISMATCH", row: map[string]string{"document_number": "ABCPS9999K"},
			ev: cert(holder), status: bulkverify.StatusNotVerified, code: bulkverify.CodeDocumentNumberMismatch, matches: "MISMATCH NOT_CLAIMED NOT_CLAIMED NOT_CLAIMED", inMsg: []string{"document_number"}},
		{name: "a wrong gender is GENDER_MISMATCH", row: map[string]string{"gender": "F"},
			ev: cert(holder), status: bulkverify.StatusNotVerified, code: bulkverify.CodeGenderMismatch, matches: "NOT_CLAIMED NOT_CLAIMED NOT_CLAIMED MISMATCH"},
		{name: "the first failing check gives the code and the message names every one", row: map[string]string{"name": "Anil Sharma", "gender": "F"},
			ev: cert(holder), status: bulkverify.StatusNotVerified, code: bulkverify.CodeNameMismatch, matches: "NOT_CLAIMED MISMATCH NOT_CLAIMED MISMATCH", inMsg: []string{"name", "gender"}},
		{name: "a claim the document does not give is CLAIM_UNVERIFIABLE", row: map[string]string{"document_number": "ABCPS1234K", "gender": "M"},
			ev: cert(map[string]string{"document_number": "ABCPS1234K"}), status: bulkverify.StatusNotVerified, code: bulkverify.CodeClaimUnverifiable, matches: "MATCH NOT_CLAIMED NOT_CLAIMED UNAVAILABLE"},
		{name: "a revoked certificate comes before a mismatch", row: map[string]string{"document_number": "ABCPS0000K"},
			ev: Evidence{Values: cert(holder).Values, Status: "R"}, status: bulkverify.StatusNotVerified, code: bulkverify.CodeDocumentRevoked, matches: "MISMATCH NOT_CLAIMED NOT_CLAIMED NOT_CLAIMED"},
		{name: "an active status in any case is valid", row: map[string]string{"document_number": "ABCPS1234K"},
			ev: Evidence{Values: cert(holder).Values, Status: "active"}, status: bulkverify.StatusVerified, code: bulkverify.CodeOK, matches: "MATCH NOT_CLAIMED NOT_CLAIMED NOT_CLAIMED"},
		{name: "an expired certificate is DOCUMENT_EXPIRED", row: map[string]string{"document_number": "ABCPS1234K"},
			ev: Evidence{Values: cert(holder).Values, Expiry: "01-01-2020"}, status: bulkverify.StatusNotVerified, code: bulkverify.CodeDocumentExpired, matches: "MATCH NOT_CLAIMED NOT_CLAIMED NOT_CLAIMED", validity: "2020-01-01"},
		{name: "a certificate valid until a later day is VERIFIED with its validity", row: map[string]string{"document_number": "ABCPS1234K"},
			ev: Evidence{Values: cert(holder).Values, Expiry: "31-12-2040"}, status: bulkverify.StatusVerified, code: bulkverify.CodeOK, matches: "MATCH NOT_CLAIMED NOT_CLAIMED NOT_CLAIMED", validity: "2040-12-31"},
		{name: "a certificate that expires today is still valid", row: map[string]string{"document_number": "ABCPS1234K"},
			ev: Evidence{Values: cert(holder).Values, Expiry: "06-12-2026"}, status: bulkverify.StatusVerified, code: bulkverify.CodeOK, matches: "MATCH NOT_CLAIMED NOT_CLAIMED NOT_CLAIMED", validity: "2026-12-06"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			row := bulkverify.Row{Number: 7, Fields: tt.row}
			in := bulkverify.Verified(row, "DigiLocker holds the PANCR")
			in.SHA256 = "abc"
			got := Judge{Now: today}.Apply(row, in, tt.ev)
			if got.Status != tt.status || got.Code != tt.code {
				t.Fatalf("got %s/%s (%s), want %s/%s", got.Status, got.Code, got.Message, tt.status, tt.code)
			}
			matches := strings.Join([]string{string(got.DocumentNumberMatch), string(got.NameMatch), string(got.DOBMatch), string(got.GenderMatch)}, " ")
			if matches != tt.matches {
				t.Errorf("got matches %s, want %s", matches, tt.matches)
			}
			if got.SHA256 != "abc" || got.RowNumber != 7 {
				t.Errorf("got sha256 %q row %d, want the file's evidence kept on row 7", got.SHA256, got.RowNumber)
			}
			if got.DocumentValidUntil != tt.validity {
				t.Errorf("got document_valid_until %q, want %q", got.DocumentValidUntil, tt.validity)
			}
			for _, w := range tt.inMsg {
				if !strings.Contains(got.Message, w) {
					t.Errorf("message %q does not name %s", got.Message, w)
				}
			}
			for _, personal := range []string{"Sunil", "SUNIL", "Anil", "31121970", "31-12-1970", "ABCPS"} {
				if strings.Contains(got.Message, personal) {
					t.Errorf("message %q holds the personal value %q", got.Message, personal)
				}
			}
		})
	}
}

func TestJudgeKeepsAFailedResult(t *testing.T) {
	row := bulkverify.Row{Number: 1, Fields: map[string]string{"name": "Sunil Kumar"}}
	in := bulkverify.NotVerified(row, bulkverify.CodeIntegrityFailed, "hmac")
	got := Judge{}.Apply(row, in, Evidence{})
	if got.Code != bulkverify.CodeIntegrityFailed || got.NameMatch != bulkverify.MatchUnavailable {
		t.Errorf("got %s with name_match %s, want INTEGRITY_FAILED and UNAVAILABLE", got.Code, got.NameMatch)
	}
}

func TestJudgeNamesItsSources(t *testing.T) {
	row := bulkverify.Row{Number: 1, Fields: map[string]string{"document_number": "ABCDE1234F", "name": "Sunil Kumar"}}
	var ev Evidence
	ev.Set("document_number", Value{Text: "ABCDE1234F", Source: bulkverify.SourceURI})
	ev.Set("name", Value{Text: "Sunil Kumar", Source: bulkverify.SourceProfile})
	ev.Set("name", Value{Text: "Someone Else", Source: bulkverify.SourceCertificate}) // a later, worse source is ignored
	got := Judge{}.Apply(row, bulkverify.Verified(row, "ok"), ev)
	if got.ClaimsSource != "uri|profile" || got.NameScore != "100" {
		t.Errorf("got claims_source %q name_score %q, want uri|profile and 100", got.ClaimsSource, got.NameScore)
	}
}
