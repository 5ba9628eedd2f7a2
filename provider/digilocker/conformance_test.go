package digilocker

import (
	"net/http"
	"testing"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/providertest"
)

// fixture is DigiLocker's: the access token of a row is its secret, and
// every error answer is {"error", "error_description"}.
var fixture = providertest.Fixture{
	Verified: providertest.Row("access_token", "verified-0042-9f8e7d6c", "doctype", "PANCR", "name", "Sunil Kumar", "dob", "31121970"),
	FirstOp:  OpIssued,
	Evidence: func(t *testing.T, _ bulkverify.Row, res bulkverify.Result) {
		wantEvidence(t, res, "PANCR", panURI, "Income Tax Department")
	},
	Invalid: []bulkverify.Row{
		providertest.Row("access_token", "", "doctype", "PANCR"),
		providertest.Row("access_token", "verified-1"),
		providertest.Row("access_token", "verified-1", "doctype", "PANCR", "dob", "1970-12-31"),
	},
	Transient: []providertest.TransientRow{
		{Row: providertest.Row("access_token", "flaky-0001", "doctype", "PANCR"), Errors: []providertest.Want{fileDown(500, "repository_service_unresponsive").Want}, Then: bulkverify.CodeOK},
		{Row: providertest.Row("access_token", "flaky-0002", "doctype", "PANCR"), Errors: []providertest.Want{fileDown(500, "repository_service_unresponsive").Want}, Then: bulkverify.CodeOK},
		{Row: providertest.Row("access_token", "down-0001", "doctype", "PANCR"), Errors: []providertest.Want{fileDown(503, "repository_service_inactive").Want}},
	},
	Rows: secretRows(),
	Reasons: providertest.Reasons{
		TooMany:     "too_many_requests: Too many requests: retry after the delay in Retry-After",
		ServerError: "unexpected_error: Internal server error",
	},
	SecretColumns: []string{"access_token"},
	Echo: func(w http.ResponseWriter, _ *http.Request, status int, text string) {
		writeErrorBody(w, status, "bad_thing", text)
	},
	Example: providertest.Example{
		Outcomes: map[string]bulkverify.Code{
			"DL-0001": "OK", "DL-0002": "OK", "DL-0003": "OK", "DL-0004": "OK", "DL-0005": "OK",
			"DL-0006": "OK", "DL-0007": "OK", "DL-0008": "OK", "DL-0009": "OK", "DL-0010": "OK",
			"DL-0011": "NAME_MISMATCH", "DL-0012": "NAME_MISMATCH", "DL-0013": "DOB_MISMATCH",
			"DL-0014": "DOCUMENT_NOT_FOUND", "DL-0015": "DOCUMENT_NOT_FOUND", "DL-0016": "DOCUMENT_NOT_FOUND",
			"DL-0017": "DOCUMENT_NOT_FOUND", "DL-0018": "OK",
			"DL-0019": "INTEGRITY_FAILED", "DL-0020": "INTEGRITY_FAILED",
			"DL-0021": "TOKEN_INVALID", "DL-0022": "TOKEN_INVALID",
			"DL-0023": "CONSENT_REQUIRED", "DL-0024": "DOCUMENT_NOT_FOUND",
			"DL-0025": "OK", "DL-0026": "OK",
			"DL-0027": "UPSTREAM_UNAVAILABLE", "DL-0028": "UPSTREAM_UNAVAILABLE", "DL-0029": "UPSTREAM_UNAVAILABLE",
			"DL-0030": "UPSTREAM_UNAVAILABLE", "DL-0031": "UPSTREAM_UNAVAILABLE", "DL-0032": "UPSTREAM_UNAVAILABLE",
			"DL-0033": "UPSTREAM_UNAVAILABLE",
			"DL-0034": "UPSTREAM_REJECTED", "DL-0035": "CONSENT_REQUIRED", "DL-0036": "OK",
			"DL-0037": "UPSTREAM_UNAVAILABLE", "DL-0038": "OK", "DL-0039": "UPSTREAM_UNAVAILABLE",
			"DL-0040": "INVALID_ROW", "DL-0041": "INVALID_ROW",
		},
		Rejected: []string{"DL-0040", "DL-0041"},
	},
	ClaimsExample: providertest.Example{
		Outcomes: map[string]bulkverify.Code{
			"CL-0001": "OK", "CL-0002": "DOCUMENT_NUMBER_MISMATCH", "CL-0003": "NAME_MISMATCH", "CL-0004": "DOB_MISMATCH",
			"CL-0005": "GENDER_MISMATCH", "CL-0006": "DOCUMENT_EXPIRED", "CL-0007": "DOCUMENT_REVOKED",
			"CL-0008": "INTEGRITY_FAILED", "CL-0009": "INTEGRITY_FAILED", "CL-0010": "INTEGRITY_FAILED",
			"CL-0011": "OK", "CL-0012": "DOCUMENT_NUMBER_MISMATCH", "CL-0013": "AADHAAR_NOT_LINKED", "CL-0014": "AADHAAR_NOT_AVAILABLE",
			"CL-0015": "OK", "CL-0016": "CLAIM_UNVERIFIABLE", "CL-0017": "OK", "CL-0018": "TOKEN_INVALID",
			"CL-0019": "OK", "CL-0020": "OK", "CL-0021": "OK", "CL-0022": "OK", "CL-0023": "OK", "CL-0024": "NAME_MISMATCH",
			"CL-0025": "OK", "CL-0026": "INVALID_ROW", "CL-0027": "INVALID_ROW", "CL-0028": "DOCUMENT_NOT_FOUND",
		},
		Rejected: []string{"CL-0026", "CL-0027"},
	},
	Claims: []providertest.ClaimCase{
		{Row: providertest.Row("access_token", "verified-k1", "doctype", "PANCR", "document_number", "ABCDE1234F", "name", "Sunil Kumar", "dob", "31121970", "gender", "M"),
			Code: bulkverify.CodeOK, Matches: map[string]bulkverify.Match{"document_number": "MATCH", "name": "MATCH", "dob": "MATCH", "gender": "MATCH"}},
		{Row: providertest.Row("access_token", "verified-k2", "doctype", "PANCR", "document_number", "ABCDE0000F", "name", "Ajit Singh", "dob", "01011971", "gender", "F"),
			Code: bulkverify.CodeDocumentNumberMismatch, Matches: map[string]bulkverify.Match{"document_number": "MISMATCH", "name": "MISMATCH", "dob": "MISMATCH", "gender": "MISMATCH"}},
		{Row: providertest.Row("access_token", "nogender-k3", "doctype", "PANCR", "gender", "M"),
			Code: bulkverify.CodeClaimUnverifiable, Matches: map[string]bulkverify.Match{"gender": "UNAVAILABLE"}},
	},
}

// secretRows are three rows of each account and of an unknown one, whose
// token also stands where a message could repeat it.
func secretRows() []bulkverify.Row {
	var rows []bulkverify.Row
	for _, account := range append(AccountNames(), "nobody") {
		token := account + "-0001-9f8e7d6c5b4a"
		rows = append(rows,
			providertest.Row("access_token", token, "doctype", "PANCR", "name", "Sunil Kumar", "dob", "31121970"),
			providertest.Row("access_token", token, "doctype", "PANCR", "name", "Ajit Kumar", "uri", token),
			providertest.Row("access_token", token, "doctype", "INCER"))
	}
	return rows
}

func TestConformance(t *testing.T) { providertest.Run(t, Provider, fixture) }
