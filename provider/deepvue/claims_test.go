package deepvue

import (
	"strings"
	"testing"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/providertest"
)

// The uris of the simulated documents the claim cases compare with.
const (
	uriPAN        = "in.gov.pan-PANCR-ABCDE1234F"
	uriLicence    = "in.gov.transport-DRVLC-DL0120230100001"
	uriOldLicence = "in.gov.transport-DRVLC-DL0120150100001"
)

func TestDocumentNumberIsCheckedAgainstTheURI(t *testing.T) {
	tests := []struct {
		name, txn, doctype, number string
		status                     bulkverify.Status
		code                       bulkverify.Code
		match                      bulkverify.Match
		source, document           string
	}{
		{"a right number is VERIFIED, matched on the uri", "verified-1", "PANCR", "ABCDE1234F",
			bulkverify.StatusVerified, bulkverify.CodeOK, bulkverify.MatchOK, bulkverify.SourceURI, uriPAN},
		{"case, spaces, dashes, slashes and dots do not count", "verified-1", "pancr", "abcde 12-34/f.",
			bulkverify.StatusVerified, bulkverify.CodeOK, bulkverify.MatchOK, bulkverify.SourceURI, uriPAN},
		{"a wrong number is DOCUMENT_NUMBER_MISMATCH", "verified-1", "PANCR", "ABCDE9999Z",
			bulkverify.StatusNotVerified, bulkverify.CodeDocumentNumberMismatch, bulkverify.MatchMismatch, bulkverify.SourceURI, uriPAN},
		{"a masked number matches on its last four digits", "verified-1", "DRVLC", "xxxxxxxxxxx0001",
			bulkverify.StatusVerified, bulkverify.CodeOK, bulkverify.MatchOK, bulkverify.SourceURI, uriLicence},
		{"a masked number with other last digits is a mismatch", "verified-1", "DRVLC", "****9999",
			bulkverify.StatusNotVerified, bulkverify.CodeDocumentNumberMismatch, bulkverify.MatchMismatch, bulkverify.SourceURI, uriLicence},
		{"a masked number with fewer than four digits cannot be compared", "verified-1", "DRVLC", "XXXXXXXXXXXX001",
			bulkverify.StatusNotVerified, bulkverify.CodeClaimUnverifiable, bulkverify.MatchUnavailable, "", uriLicence},
		{"a uri without a document id part cannot be compared", "sample-1", "string", "X1234567",
			bulkverify.StatusNotVerified, bulkverify.CodeClaimUnverifiable, bulkverify.MatchUnavailable, "", "string"},
		{"of two licences the one the number names is the evidence", "renewed-1", "DRVLC", "DL0120230100001",
			bulkverify.StatusVerified, bulkverify.CodeOK, bulkverify.MatchOK, bulkverify.SourceURI, uriLicence},
		{"of two licences the first is the evidence when the number names neither", "renewed-1", "DRVLC", "DL0199999999999",
			bulkverify.StatusNotVerified, bulkverify.CodeDocumentNumberMismatch, bulkverify.MatchMismatch, bulkverify.SourceURI, uriOldLicence},
		{"of two licences the first is the evidence without a claim", "renewed-1", "DRVLC", "",
			bulkverify.StatusVerified, bulkverify.CodeOK, bulkverify.MatchNotClaimed, "", uriOldLicence},
		{"a document not held is DOCUMENT_NOT_FOUND, its number UNAVAILABLE", "verified-1", "PSPRT", "J8369854",
			bulkverify.StatusNotVerified, bulkverify.CodeDocumentNotFound, bulkverify.MatchUnavailable, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, SimConfig{})
			res, err := providertest.Verify(t, e.c, dvRow(tt.txn, tt.doctype, "Y", bulkverify.ClaimDocumentNumber, tt.number))
			providertest.Final(tt.status, tt.code, "").Check(t, res, err)
			if res.DocumentNumberMatch != tt.match || res.ClaimsSource != tt.source || res.DocumentID != tt.document {
				t.Errorf("got document_number_match %s, claims_source %q, document %q; want %s, %q, %q",
					res.DocumentNumberMatch, res.ClaimsSource, res.DocumentID, tt.match, tt.source, tt.document)
			}
			if res.NameMatch != bulkverify.MatchNotClaimed || res.DOBMatch != bulkverify.MatchNotClaimed || res.GenderMatch != bulkverify.MatchNotClaimed {
				t.Errorf("got name, dob, gender %s %s %s, want NOT_CLAIMED: Deepvue rows cannot claim them", res.NameMatch, res.DOBMatch, res.GenderMatch)
			}
			if tt.number != "" && strings.Contains(res.Message, tt.number) {
				t.Errorf("got message %q, want it without the claimed number", res.Message)
			}
		})
	}
}

func TestAMismatchSaysWhatFailedAndKeepsTheEvidence(t *testing.T) {
	e := newEnv(t, SimConfig{})
	res, err := providertest.Verify(t, e.c, dvRow("verified-1", "PANCR", "Y", bulkverify.ClaimDocumentNumber, "ABCDE9999Z"))
	providertest.Final(bulkverify.StatusNotVerified, bulkverify.CodeDocumentNumberMismatch, "document_number differs from the document's number").Check(t, res, err)
	if res.DocumentType != "PANCR" || res.Issuer != "Income Tax Department" || res.VerifiedAt == "" || res.Consent != "Y" || !hex32.MatchString(res.TransactionID) {
		t.Errorf("got %+v, want the PAN record's evidence, verified_at, consent and transaction_id kept", res)
	}
}

func TestDocumentID(t *testing.T) {
	tests := []struct {
		name, uri, doctype, want string
	}{
		{"the part after -DOCTYPE- is the id", uriPAN, "PANCR", "ABCDE1234F"},
		{"the doctype matches in any case, spaces around the uri do not count", " in.gov.delhi-incer-98765432 ", "INCER", "98765432"},
		{"the first -DOCTYPE- marks the id, a later one is part of it", "in.gov.x-PANCR-AB-PANCR-12", "PANCR", "AB-PANCR-12"},
		{"a uri without -DOCTYPE- has none", "string", "string", ""},
		{"a uri that ends at -DOCTYPE- has none", "in.gov.pan-PANCR-", "PANCR", ""},
		{"another doctype's mark is not this one's", uriPAN, "DRVLC", ""},
		{"a file without a doctype has none", uriPAN, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DocumentID(File{URI: tt.uri, DocType: tt.doctype}); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
