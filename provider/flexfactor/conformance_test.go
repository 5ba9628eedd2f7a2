package flexfactor

import (
	"net/http"
	"testing"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider"
	"github.com/bulkverify/bulkverify/provider/providertest"
	"github.com/bulkverify/bulkverify/provider/simulation"
)

// fixture is FlexFactor's: a row takes a token (shared), a list and a
// download a document; the client secret is the secret; the token
// endpoint answers errors as OAuth2 does.
var fixture = providertest.Fixture{
	Verified: appRow(AppComplete+"-0001", allTypes),
	FirstOp:  OpToken,
	Evidence: func(t *testing.T, row bulkverify.Row, res bulkverify.Result) {
		wantEvidence(t, res, row.Get("application_id"), distinct(bulkverify.SplitList(row.Get("document_types")))...)
	},
	Invalid: []bulkverify.Row{
		appRow("complete-1", ""),
		appRow("complete-1", " | |"),
		appRow("", "ID"),
		appRow("complete-1/../../admin", "ID"),
	},
	Transient: []providertest.TransientRow{
		{Row: appRow(AppFlaky+"-0001", allTypes), Errors: []providertest.Want{unavailable}, Then: bulkverify.CodeOK},
		{Row: appRow(AppDown+"-0001", "ID"), Errors: []providertest.Want{unavailable}},
	},
	Rows: secretRows(),
	Reasons: providertest.Reasons{
		TooMany:     "Too many requests. Retry after the delay in Retry-After.",
		ServerError: "Internal server error.",
	},
	Echo: func(w http.ResponseWriter, r *http.Request, status int, text string) {
		if r.URL.Path == "/oauth2/token" {
			writeOAuthError(w, status, "invalid_client", text)
			return
		}
		simulation.WriteJSON(w, status, APIError{Errors: []string{text}})
	},
	Example: providertest.Example{
		Outcomes: map[string]bulkverify.Code{
			"FF-0001": "OK", "FF-0002": "OK", "FF-0003": "OK", "FF-0004": "OK", "FF-0005": "OK",
			"FF-0006": "DOCUMENT_NOT_FOUND", "FF-0007": "DOCUMENT_NOT_FOUND", "FF-0008": "DOCUMENT_NOT_FOUND",
			"FF-0009": "INTEGRITY_FAILED", "FF-0010": "INTEGRITY_FAILED",
			"FF-0011": "UNTRUSTED_DOWNLOAD_URL",
			"FF-0012": "OK",
			"FF-0013": "APPLICATION_NOT_FOUND", "FF-0014": "APPLICATION_NOT_FOUND", "FF-0015": "APPLICATION_NOT_FOUND",
			"FF-0016": "UPSTREAM_REJECTED",
			"FF-0017": "OK",
			"FF-0018": "UPSTREAM_UNAVAILABLE",
			"FF-0019": "OK",
			"FF-0020": "INVALID_ROW", "FF-0021": "INVALID_ROW",
		},
		Rejected: []string{"FF-0020", "FF-0021"},
		After: func(t *testing.T, sim provider.Simulator) {
			if got := sim.(*Simulator).Counts().TokensIssued; got != 2 {
				t.Errorf("got %d tokens issued for the file, want 2: one, and one after the revocation", got)
			}
		},
	},
}

// secretRows are rows of each application kind.
func secretRows() []bulkverify.Row {
	var rows []bulkverify.Row
	for _, kind := range ApplicationKinds() {
		for _, types := range []string{allTypes, "ID", "Passport"} {
			rows = append(rows, appRow(kind+"-1", types))
		}
	}
	return rows
}

func TestConformance(t *testing.T) { providertest.Run(t, Provider, fixture) }
