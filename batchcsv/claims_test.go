package batchcsv

import (
	"strings"
	"testing"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/sila"
)

func TestSplitRefusesAClaimTheProviderCannotCheck(t *testing.T) {
	in := "user_handle,doc_types,name\nuser-1,id_document,Sunil Kumar\n"
	_, err := Split(strings.NewReader(in), sila.Spec, Options{ChunkSize: 10, ClaimCheckers: map[string][]string{"name": {"digilocker"}}})
	if got := bulkverify.ErrorCode(err); got != bulkverify.EUnsupportedColumn {
		t.Fatalf("got %v, want UNSUPPORTED_COLUMN", err)
	}
	for _, want := range []string{`"name"`, "digilocker", "sila", "column 3"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("got message %q, want it to name %s", err, want)
		}
	}
}

func TestSplitListsIgnoredColumns(t *testing.T) {
	in := "access_token,doctype,Notes,name,branch,notes2\nverified-1,PANCR,x,Sunil Kumar,y,z\n"
	plan, err := Split(strings.NewReader(in), digilockerSpec, Options{ChunkSize: 10})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(plan.Ignored, ","); got != "notes,branch,notes2" {
		t.Errorf("got ignored columns %q, want notes,branch,notes2 (name is a claim digilocker checks)", got)
	}
}

func TestParseResultReadsAPartWrittenBeforeTheClaimColumns(t *testing.T) {
	legacy := []string{"3", "ref", "VERIFIED", "OK", "fine", "false", "PANCR", "uri", "CBSE", "ab", "10", "application/pdf", "1", "2026-01-01T00:00:00Z"}
	r, err := ParseResult(legacy)
	if err != nil || r.RowNumber != 3 || r.NameMatch != bulkverify.MatchNotClaimed {
		t.Errorf("got %+v, %v, want row 3 with name_match NOT_CLAIMED", r, err)
	}
}

func TestResultRoundTripsItsClaimColumns(t *testing.T) {
	in := bulkverify.Result{RowNumber: 1, Status: bulkverify.StatusNotVerified, Code: bulkverify.CodeNameMismatch,
		DocumentNumberMatch: bulkverify.MatchOK, NameMatch: bulkverify.MatchMismatch, NameScore: "42", DOBMatch: bulkverify.MatchUnavailable,
		GenderMatch: bulkverify.MatchNotClaimed, DocumentValidUntil: "2040-01-01", ClaimsSource: "certificate|profile", TokenRefreshed: true,
		Consent: "Y", Purpose: "KYC", TransactionID: "abc"}
	got, err := ParseResult(AppendResult(nil, in))
	if err != nil || got != in {
		t.Errorf("got %+v, %v, want %+v", got, err, in)
	}
}
