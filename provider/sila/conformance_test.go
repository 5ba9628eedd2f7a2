package sila

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider"
	"github.com/bulkverify/bulkverify/provider/providertest"
)

// fixture is Sila's: one list request a page, the access token the secret,
// and every error answer the failure envelope.
var fixture = providertest.Fixture{
	Settings: provider.Settings{Values: map[string]string{"ACCESS_TOKEN": testToken, "APP_HANDLE": testApp}},
	Verified: providertest.Row("user_handle", SampleHandle, "doc_types", "id_passport"),
	FirstOp:  OpList,
	Evidence: wantNewestOfEachType,
	Invalid: []bulkverify.Row{
		providertest.Row("doc_types", "id_passport"),
		providertest.Row("user_handle", "complete-1", "doc_types", ""),
		providertest.Row("user_handle", "complete-1", "doc_types", " | "),
		providertest.Row("user_handle", "complete-1", "doc_types", "id_passport", "start_date", "2020/01/01"),
		providertest.Row("user_handle", "complete-1", "doc_types", "id_passport", "start_date", "2021-01-01", "end_date", "2020-01-01"),
	},
	Transient: []providertest.TransientRow{
		{Row: providertest.Row("user_handle", "flaky-0001", "doc_types", "id_passport|doc_utility"), Errors: []providertest.Want{transient(503, 0, MsgUnavailable)}, Then: bulkverify.CodeOK},
		{Row: providertest.Row("user_handle", "flaky-0002", "doc_types", "id_passport|doc_utility"), Errors: []providertest.Want{transient(503, 0, MsgUnavailable)}, Then: bulkverify.CodeOK},
		{Row: providertest.Row("user_handle", "down-0001", "doc_types", "id_passport"), Errors: []providertest.Want{transient(503, 0, MsgUnavailable)}},
		{Row: providertest.Row("user_handle", "throttled-0001", "doc_types", "id_passport"), Errors: []providertest.Want{transient(429, time.Second, MsgTooManyRequests)}},
	},
	Rows:    secretRows(),
	Reasons: providertest.Reasons{TooMany: MsgTooManyRequests, ServerError: MsgInternalError, Bare: "Too Many Requests"},
	Echo: func(w http.ResponseWriter, _ *http.Request, status int, text string) {
		writeFailure(w, status, "", text, ValidationDetails{"echo": text})
	},
	Example: providertest.Example{
		// TOKEN_INVALID is not among them: it comes from the
		// configuration, not from a row. SL-0019's unknown doc type is
		// Sila's 400, not the Spec's.
		Outcomes: map[string]bulkverify.Code{
			"SL-0001": "OK", "SL-0002": "OK", "SL-0003": "OK", "SL-0004": "OK", "SL-0005": "OK",
			"SL-0006": "OK", "SL-0007": "OK", "SL-0008": "OK",
			"SL-0009": "DOCUMENT_NOT_FOUND", "SL-0010": "DOCUMENT_NOT_FOUND", "SL-0011": "DOCUMENT_NOT_FOUND", "SL-0012": "DOCUMENT_NOT_FOUND",
			"SL-0013": CodeUserNotFound, "SL-0014": CodeUserNotFound,
			"SL-0015": "UPSTREAM_REJECTED",
			"SL-0016": "OK",
			"SL-0017": "UPSTREAM_UNAVAILABLE",
			"SL-0019": "INVALID_ROW", "SL-0020": "INVALID_ROW", "SL-0021": "INVALID_ROW",
		},
		Rejected: []string{"SL-0020", "SL-0021"},
	},
}

// secretRows are rows of each user kind that carry the access token in
// their handle and search, where a message could repeat them.
func secretRows() []bulkverify.Row {
	var rows []bulkverify.Row
	for _, kind := range UserKinds() {
		for _, docTypes := range []string{"id_passport", "id_passport|doc_utility", "selfie", ""} {
			rows = append(rows, providertest.Row("user_handle", kind+"-"+testToken, "doc_types", docTypes, "search", testToken))
		}
	}
	return rows
}

// wantNewestOfEachType checks that a verified row's evidence is, for each
// type it asks for, in its order, the newest document of that type of its
// user.
func wantNewestOfEachType(t *testing.T, row bulkverify.Row, res bulkverify.Result) {
	t.Helper()
	handle := row.Get("user_handle")
	types := bulkverify.SplitList(strings.ToLower(row.Get("doc_types")))
	ids, hashes := strings.Split(res.DocumentID, "|"), strings.Split(res.SHA256, "|")
	if res.Issuer != Issuer || res.DocumentType != strings.Join(types, "|") || len(ids) != len(types) || len(hashes) != len(types) {
		t.Fatalf("got evidence %+v, want Sila's of one document of each of %v", res, types)
	}
	newest := map[string]Document{}
	for _, d := range userOf(handle).documents(handle) {
		if d.UserHandle == handle && d.Created >= newest[d.Type].Created {
			newest[d.Type] = d
		}
	}
	for i, id := range ids {
		if d := newest[types[i]]; d.DocumentID != id || d.Hash != hashes[i] {
			t.Errorf("got document %s hash %s as the %s, want %s's newest of that type, %s %s", id, hashes[i], types[i], handle, d.DocumentID, d.Hash)
		}
	}
}

func TestConformance(t *testing.T) { providertest.Run(t, Provider, fixture) }
