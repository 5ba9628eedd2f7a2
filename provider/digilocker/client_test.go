package digilocker

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/providertest"
	"github.com/bulkverify/bulkverify/provider/simulation"
)

const panURI = "in.gov.pan-PANCR-ABCDE1234F"

// outcome is what a test expects of Verify, and which of the PANCR's
// evidence a final result carries.
type outcome struct {
	providertest.Want
	evidence  bool // verified: the PANCR's evidence is filled in
	docFields bool // the PANCR's type, uri and issuer are filled in
}

func (w outcome) check(t *testing.T, res bulkverify.Result, err error) {
	t.Helper()
	if w.Want.Check(t, res, err); w.Op != "" {
		return
	}
	switch {
	case w.evidence:
		wantEvidence(t, res, "PANCR", panURI, "Income Tax Department")
	case w.docFields:
		if res.DocumentType != "PANCR" || res.DocumentID != panURI || res.Issuer != "Income Tax Department" {
			t.Errorf("got document %q %q %q, want PANCR %s Income Tax Department", res.DocumentType, res.DocumentID, res.Issuer, panURI)
		}
	}
}

func final(s bulkverify.Status, c bulkverify.Code) outcome {
	return outcome{Want: providertest.Final(s, c, "")}
}

var (
	verified = outcome{Want: providertest.Verified, evidence: true}
	notFound = final(bulkverify.StatusNotVerified, bulkverify.CodeDocumentNotFound)
)

// down is the transient error of an answer of HTTP status with an error
// code to op, which the simulator describes as an internal server error.
func down(op string, status int, code string) outcome {
	return outcome{Want: providertest.Transient(Spec.Name, op, status, code+": Internal server error")}
}

func fileDown(status int, code string) outcome { return down(OpFile, status, code) }

// accountCases are the outcomes of a PANCR row of each account.
var accountCases = []struct {
	account string
	person  bool // the row gives name and dob
	want    outcome
}{
	{AccountVerified, true, verified},
	{AccountVerified, false, verified},
	{AccountMissing, true, notFound},
	{AccountTampered, true, outcome{Want: providertest.Final(bulkverify.StatusNotVerified, bulkverify.CodeIntegrityFailed, ""), evidence: true}},
	{AccountInvalid, true, final(bulkverify.StatusFailed, bulkverify.CodeTokenInvalid)},
	{AccountInvalid, false, final(bulkverify.StatusFailed, bulkverify.CodeTokenInvalid)},
	{AccountNoScope, true, outcome{Want: providertest.Final(bulkverify.StatusFailed, bulkverify.CodeConsentRequired, ""), docFields: true}},
	{AccountGone, true, outcome{Want: providertest.Final(bulkverify.StatusNotVerified, bulkverify.CodeDocumentNotFound, ""), docFields: true}},
	{AccountFlaky, true, fileDown(500, "repository_service_unresponsive")},
	{AccountDown, true, fileDown(503, "repository_service_inactive")},
	{AccountPartner, true, down(OpIssued, 500, "partner_service_unresponsive")},
	{AccountUnpublished, true, fileDown(503, "repository_service_unpublished")},
	{AccountConfigError, true, fileDown(500, "repository_service_configerror")},
	{AccountRespError, true, fileDown(500, "repository_service_resperror")},
	{AccountException, true, fileDown(500, "repository_service_exception")},
	{AccountUnresponsive, true, fileDown(500, "repository_service_unresponsive")},
	{AccountURIMissing, true, outcome{Want: providertest.Final(bulkverify.StatusFailed, bulkverify.CodeUpstreamRejected, ""), docFields: true}},
	// The PANCR's certificate bears out name and dob: the profile,
	// which these two refuse, is not asked (see TestProfileIsAskedOnce).
	{AccountUserScope, true, verified},
	{AccountUserScope, false, verified},
	{AccountUserError, true, verified},
	{AccountUserError, false, verified},
	{AccountListError, true, down(OpIssued, 500, "unexpected_error")},
	{AccountExpiredToken, true, final(bulkverify.StatusFailed, bulkverify.CodeTokenInvalid)},
	{AccountPerson, true, final(bulkverify.StatusNotVerified, bulkverify.CodeNameMismatch)}, // holder 123 is not Sunil Kumar
	{AccountExpired, true, verified},                                                        // only its DRVLC expired
	{AccountRevoked, true, outcome{Want: providertest.Final(bulkverify.StatusNotVerified, bulkverify.CodeDocumentRevoked, ""), evidence: true}},
	{AccountRevoked, false, verified}, // no claim, no certificate read
	{AccountNoXML, true, verified},
	{AccountXMLTampered, true, outcome{Want: providertest.Final(bulkverify.StatusNotVerified, bulkverify.CodeIntegrityFailed, ""), evidence: true}},
	{AccountUnsigned, true, verified}, // no BV_DIGILOCKER_XML_CERT: the signature is not asked for
	{AccountBadSig, true, outcome{Want: providertest.Final(bulkverify.StatusNotVerified, bulkverify.CodeDOBMismatch, ""), evidence: true}},
	{AccountNotLinked, true, verified},
	{AccountNoAadhaar, true, verified},
	{AccountNoGender, true, verified},
	{"nobody", true, final(bulkverify.StatusFailed, bulkverify.CodeTokenInvalid)},
}

func TestVerifyEveryAccount(t *testing.T) {
	for _, tt := range accountCases {
		name := "a PANCR row of account " + tt.account
		if tt.person {
			name += " with name and dob"
		}
		t.Run(name+" is "+tt.want.String(), func(t *testing.T) {
			_, c := newSimClient(t, simulation.Faults{})
			row := providertest.Row("access_token", tt.account+"-000123", "doctype", "PANCR")
			if tt.person {
				row.Fields["name"], row.Fields["dob"] = "Sunil Kumar", "31121970"
			}
			res, err := providertest.Verify(t, c, row)
			tt.want.check(t, res, err)
		})
	}
}

func TestEveryAccountHasACase(t *testing.T) {
	var tested []string
	for _, c := range accountCases {
		tested = append(tested, c.account)
	}
	providertest.Covered(t, "account", AccountNames(), tested)
}

func TestNameAndDOB(t *testing.T) {
	tests := []struct {
		name, given, dob string
		want             bulkverify.Code
	}{
		{"the exact name verifies", "Sunil Kumar", "", bulkverify.CodeOK},
		{"an initial verifies", "S. Kumar", "", bulkverify.CodeOK},
		{"an initial without a dot verifies", "S Kumar", "", bulkverify.CodeOK},
		{"case and spacing are ignored", "  sunil   KUMAR", "", bulkverify.CodeOK},
		{"another first name is a name mismatch", "Ajit Kumar", "", bulkverify.CodeNameMismatch},
		{"a missing surname is a name mismatch", "Sunil", "", bulkverify.CodeNameMismatch},
		{"the exact dob verifies", "", "31121970", bulkverify.CodeOK},
		{"another dob is a dob mismatch", "", "30121970", bulkverify.CodeDOBMismatch},
		{"a good name with another dob is a dob mismatch", "S. Kumar", "01011970", bulkverify.CodeDOBMismatch},
		{"a wrong name and dob report the name", "Ajit Kumar", "01011970", bulkverify.CodeNameMismatch},
	}
	_, c := newSimClient(t, simulation.Faults{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			row := providertest.Row("access_token", "verified-0042", "doctype", "PANCR", "name", tt.given, "dob", tt.dob)
			res, err := providertest.Verify(t, c, row)
			if err != nil {
				t.Fatal(err)
			}
			if res.Code != tt.want {
				t.Errorf("got %s (%s), want %s", res.Code, res.Message, tt.want)
			}
			if wantStatus := bulkverify.StatusNotVerified; tt.want != bulkverify.CodeOK && res.Status != wantStatus {
				t.Errorf("got status %s, want %s", res.Status, wantStatus)
			}
		})
	}
}

func TestDocumentChoice(t *testing.T) {
	row := func(token, doctype, uri string) bulkverify.Row {
		return providertest.Row("access_token", token, "doctype", doctype, "uri", uri)
	}
	notFound := func(words string) providertest.Want {
		return providertest.Final(bulkverify.StatusNotVerified, bulkverify.CodeDocumentNotFound, words)
	}
	_, c := newSimClient(t, simulation.Faults{})
	providertest.Verifies(t, c, []providertest.Case{
		{Name: "a doctype is matched whatever its case", Row: row("verified-1", "pancr", ""), Want: providertest.Verified, Document: panURI},
		{Name: "a given uri picks its document", Row: row("verified-1", "INCER", "in.gov.delhi-INCER-98765432"), Want: providertest.Verified, Document: "in.gov.delhi-INCER-98765432"},
		{Name: "a document whose uri has a leading space is found by doctype", Row: row("verified-1", "INCER", ""), Want: providertest.Verified, Document: "in.gov.delhi-INCER-98765432"},
		{Name: "the HSCER of the spec's sample is found", Row: row("missing-1", "HSCER", ""), Want: providertest.Verified, Document: "in.gov.cbse-HSCER-201412345678"},
		{Name: "a doctype the locker lacks names what it holds", Row: row("missing-1", "PANCR", ""), Want: notFound("no issued PANCR document (it holds only HSCER)")},
		{Name: "a uri the locker lacks is not found", Row: row("verified-1", "PANCR", "in.gov.pan-PANCR-ZZZZZ9999Z"), Want: notFound(`URI "in.gov.pan-PANCR-ZZZZZ9999Z"`)},
		{Name: "a uri of another doctype is not found", Row: row("verified-1", "PANCR", "in.gov.cbse-HSCER-201412345678"), Want: notFound("is a HSCER, not a PANCR")},
	})
}

// fileStub serves the simulator but answers file requests with h.
func fileStub(h http.HandlerFunc) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", NewSimulator(SimConfig{ClientSecret: testSecret}))
	mux.Handle("GET /oauth2/1/file/", h)
	return mux
}

func TestIntegrity(t *testing.T) {
	body := SimFile(panURI)
	sign := NewSimulator(SimConfig{ClientSecret: testSecret}).sign
	tests := []struct {
		name    string
		max     int64
		handler http.HandlerFunc
		want    bulkverify.Code
		words   string
	}{
		{"a file without an hmac header fails integrity", 0, func(w http.ResponseWriter, r *http.Request) {
			w.Write(body)
		}, bulkverify.CodeIntegrityFailed, "without an hmac header"},
		{"an hmac that is not Base64 fails integrity", 0, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("hmac", "not base64!")
			w.Write(body)
		}, bulkverify.CodeIntegrityFailed, "does not match its hmac header"},
		{"an hmac keyed by another secret fails integrity", 0, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("hmac", NewSimulator(SimConfig{ClientSecret: "other"}).sign(body))
			w.Write(body)
		}, bulkverify.CodeIntegrityFailed, "client secret"},
		{"an unpadded Base64 hmac verifies", 0, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("hmac", strings.TrimRight(sign(body), "="))
			w.Write(body)
		}, bulkverify.CodeOK, "matches its hmac header"},
		{"a file announced past the limit is not read", 100, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("hmac", sign(body))
			w.Write(body)
		}, bulkverify.CodeIntegrityFailed, fmt.Sprintf("larger than the 100-byte limit (at least %d bytes)", len(body))},
		{"a streamed file past the limit is cut off", 100, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("hmac", sign(body))
			w.(http.Flusher).Flush() // no Content-Length: chunked
			w.Write(body)
		}, bulkverify.CodeIntegrityFailed, "at least 101 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newTestClient(t, fileStub(tt.handler))
			if tt.max > 0 {
				c.maxFile = tt.max
			}
			res, err := providertest.Verify(t, c, providertest.Row("access_token", "verified-1", "doctype", "PANCR"))
			if err != nil {
				t.Fatal(err)
			}
			if res.Code != tt.want || !strings.Contains(res.Message, tt.words) {
				t.Errorf("got %s %q, want %s saying %q", res.Code, res.Message, tt.want, tt.words)
			}
		})
	}
}
