package digilocker

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/providertest"
	"github.com/bulkverify/bulkverify/provider/simulation"
	"github.com/bulkverify/bulkverify/provider/upstream"
)

// specTables are the error tables of "Get User Details", "Get List of
// Issued Documents" and "Get File from URI" in spec 1.12, copied here
// rather than read from SpecErrors so that both are checked against the
// document. wire is the error value as the simulator sends it.
var specTables = []struct {
	path, code, wire, desc string
	status                 int
	account                string
	want                   outcome
}{
	{"/oauth2/1/user", "invalid_token", "invalid_token", "The access token is invalid", 401, AccountInvalid, final(bulkverify.StatusFailed, bulkverify.CodeTokenInvalid)},
	{"/oauth2/1/user", "insufficient_scope", "insufficient_scope", "The request requires higher privileges than provided by the access token", 403, AccountUserScope, final(bulkverify.StatusFailed, bulkverify.CodeConsentRequired)},
	{"/oauth2/1/user", "unexpected_error", "unexpected_error", "Internal server error", 500, AccountUserError, down(OpUser, 500, "unexpected_error")},

	{"/oauth2/2/files/issued", "invalid_token", "invalid_token", "The access token is invalid", 401, AccountInvalid, final(bulkverify.StatusFailed, bulkverify.CodeTokenInvalid)},
	{"/oauth2/2/files/issued", "partner_service_unresponsive", "partner_service_unresponsive ", "Internal server error", 500, AccountPartner, down(OpIssued, 500, "partner_service_unresponsive")},
	{"/oauth2/2/files/issued", "unexpected_error", "unexpected_error", "Internal server error", 500, AccountListError, down(OpIssued, 500, "unexpected_error")},

	{"/oauth2/1/file/", "invalid_token", "invalid_token", "The access token is invalid", 401, AccountInvalid, final(bulkverify.StatusFailed, bulkverify.CodeTokenInvalid)},
	{"/oauth2/1/file/", "uri_missing", "uri_missing", "URI parameter missing", 400, AccountURIMissing, final(bulkverify.StatusFailed, bulkverify.CodeUpstreamRejected)},
	{"/oauth2/1/file/", "insufficient_scope", "insufficient_scope", "The request requires higher privileges than provided by the access token", 403, AccountNoScope, final(bulkverify.StatusFailed, bulkverify.CodeConsentRequired)},
	{"/oauth2/1/file/", "invalid_uri", "invalid_uri", "No file found for given URI", 404, AccountGone, final(bulkverify.StatusNotVerified, bulkverify.CodeDocumentNotFound)},
	{"/oauth2/1/file/", "repository_service_unresponsive", "repository_service_unresponsive", "Internal server error", 500, AccountUnresponsive, fileDown(500, "repository_service_unresponsive")},
	{"/oauth2/1/file/", "repository_service_unpublished", "repository_service_unpublished", "Internal server error", 503, AccountUnpublished, fileDown(503, "repository_service_unpublished")},
	{"/oauth2/1/file/", "repository_service_inactive", "repository_service_inactive", "Internal server error", 503, AccountDown, fileDown(503, "repository_service_inactive")},
	{"/oauth2/1/file/", "repository_service_configerror", "repository_service_configerror", "Internal server error", 500, AccountConfigError, fileDown(500, "repository_service_configerror")},
	{"/oauth2/1/file/", "repository_service_resperror", "repository_service_resperror", "Internal server error", 500, AccountRespError, fileDown(500, "repository_service_resperror")},
	{"/oauth2/1/file/", "repository_service_exception", "repository_service_exception", "Internal server error", 500, AccountException, fileDown(500, "repository_service_exception")},
}

// onlyAt serves sim, but sends the row's token only to requests under
// prefix; the others carry a token of AccountVerified. So an error code is
// met at the API whose table lists it.
func onlyAt(sim http.Handler, prefix string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, prefix) {
			r.Header.Set("Authorization", "Bearer "+AccountVerified+"-contract")
		}
		sim.ServeHTTP(w, r)
	})
}

func TestSpecErrorTables(t *testing.T) {
	for _, tt := range specTables {
		t.Run(tt.path+" answers "+tt.code+" as the spec says and the adapter maps it", func(t *testing.T) {
			sim := NewSimulator(SimConfig{ClientSecret: testSecret})
			c := newTestClient(t, onlyAt(sim, tt.path))

			path := tt.path
			if strings.HasSuffix(path, "/") {
				path += panURI
			}
			req, _ := http.NewRequest(http.MethodGet, c.Base+path, nil)
			req.Header.Set("Authorization", "Bearer "+tt.account+"-contract")
			resp, err := c.HTTP.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var body struct {
				Error       string `json:"error"`
				Description string `json:"error_description"`
			}
			err = json.NewDecoder(resp.Body).Decode(&body)
			resp.Body.Close()
			if err != nil {
				t.Fatalf("got an undecodable body (%v), want the spec's error body", err)
			}
			if resp.StatusCode != tt.status || body.Error != tt.wire || body.Description != tt.desc {
				t.Errorf("got HTTP %d %q %q, want HTTP %d %q %q", resp.StatusCode, body.Error, body.Description, tt.status, tt.wire, tt.desc)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("got Content-Type %q, want application/json", ct)
			}

			// The profile is asked for the claims of a document without
			// certificate XML: the HSCER.
			doctype := "PANCR"
			if tt.path == "/oauth2/1/user" {
				doctype = "HSCER"
			}
			row := providertest.Row("access_token", tt.account+"-contract", "doctype", doctype, "name", "Sunil Kumar", "dob", "31121970")
			res, err := providertest.Verify(t, c, row)
			tt.want.check(t, res, err)
			if err == nil && !strings.Contains(res.Message, tt.code) {
				t.Errorf("got message %q, want it to name %s", res.Message, tt.code)
			}
		})
	}
}

// xmlSpecTables are the error tables of "Get Certificate Data in XML
// Format from URI" and "Get e-Aadhaar Data in XML Format" in spec 1.12, as
// printed (the e-Aadhaar table ends with repository_service_configerror).
var xmlSpecTables = []SpecError{
	{OpXML, "invalid_token", 401, "The access token is invalid"},
	{OpXML, "uri_missing", 400, "URI parameter missing"},
	{OpXML, "insufficient_scope", 403, "The request requires higher privileges than provided by the access token"},
	{OpXML, "invalid_uri", 404, "No file found for given URI"},
	{OpXML, "repository_service_unresponsive", 500, "Internal server error"},
	{OpXML, "repository_service_unpublished", 503, "Internal server error"},
	{OpXML, "repository_service_inactive", 503, "Internal server error"},
	{OpXML, "repository_service_configerror", 500, "Internal server error"},
	{OpXML, "repository_service_resperror", 500, "Internal server error"},
	{OpXML, "repository_service_exception", 500, "Internal server error"},
	{OpEAadhaar, "invalid_token", 401, "The access token is invalid"},
	{OpEAadhaar, "insufficient_scope", 403, "The request requires higher privileges than provided by the access token"},
	{OpEAadhaar, "aadhaar_not_linked", 404, "Aadhaar is not linked to the account"},
	{OpEAadhaar, "aadhaar_not_available", 404, "Aadhaar data is not available for this user. Please perform Aadhaar eKYC again."},
	{OpEAadhaar, "repository_service_unresponsive", 500, "Internal server error"},
	{OpEAadhaar, "repository_service_unpublished", 503, "Internal server error"},
	{OpEAadhaar, "repository_service_inactive", 503, "Internal server error"},
	{OpEAadhaar, "repository_service_configerror", 500, "Internal server error"},
}

func TestSpecErrorsMatchTheSpecTables(t *testing.T) {
	apis := map[string]string{"/oauth2/1/user": OpUser, "/oauth2/2/files/issued": OpIssued, "/oauth2/1/file/": OpFile}
	var want []SpecError
	for _, tt := range specTables {
		want = append(want, SpecError{API: apis[tt.path], Code: tt.code, Status: tt.status, Description: tt.desc})
	}
	want = append(want, xmlSpecTables...)
	if len(SpecErrors) != len(want) {
		t.Fatalf("got %d SpecErrors, want the spec's %d", len(SpecErrors), len(want))
	}
	for i := range want {
		if SpecErrors[i] != want[i] {
			t.Errorf("got SpecErrors[%d] %+v, want %+v", i, SpecErrors[i], want[i])
		}
	}
}

func TestClassifyTheXMLErrors(t *testing.T) {
	for _, e := range xmlSpecTables {
		t.Run(e.API+" "+e.Code, func(t *testing.T) {
			o := Classify(e.Status, e.Code)
			switch e.Code {
			case "aadhaar_not_linked", "aadhaar_not_available":
				want := map[string]bulkverify.Code{"aadhaar_not_linked": bulkverify.CodeAadhaarNotLinked, "aadhaar_not_available": bulkverify.CodeAadhaarNotAvailable}[e.Code]
				if o.Transient || o.Status != bulkverify.StatusNotVerified || o.Code != want {
					t.Errorf("got %+v, want NOT_VERIFIED/%s", o, want)
				}
			default:
				if o.Transient != (e.Status >= 500) {
					t.Errorf("got transient %v for HTTP %d, want %v", o.Transient, e.Status, e.Status >= 500)
				}
			}
		})
	}
}

func TestSimulatorRequests(t *testing.T) {
	tests := []struct {
		name, method, path, auth string
		status                   int
		wire                     string
	}{
		{"a request without a token is refused", "GET", "/oauth2/2/files/issued", "", 401, "invalid_token"},
		{"a token of an unknown account is refused", "GET", "/oauth2/2/files/issued", "Bearer stranger-1", 401, "invalid_token"},
		{"a token in another scheme is refused", "GET", "/oauth2/1/user", "Basic verified-1", 401, "invalid_token"},
		{"a file without a uri is uri_missing", "GET", "/oauth2/1/file/", "Bearer verified-1", 400, "uri_missing"},
		{"a file the locker does not hold is invalid_uri", "GET", "/oauth2/1/file/in.gov.pan-PANCR-ZZZZZ9999Z", "Bearer missing-1", 404, "invalid_uri"},
		{"a lower-case bearer scheme is accepted", "GET", "/oauth2/1/file/in.gov.delhi-INCER-98765432", "bearer verified-1", 200, ""},
		{"a POST is not allowed", "POST", "/oauth2/1/user", "Bearer verified-1", 405, ""},
	}
	c := newTestClient(t, NewSimulator(SimConfig{ClientSecret: testSecret}))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, c.Base+tt.path, nil)
			if tt.auth != "" {
				req.Header.Set("Authorization", tt.auth)
			}
			resp, err := c.HTTP.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var e APIError
			json.NewDecoder(resp.Body).Decode(&e)
			if resp.StatusCode != tt.status || e.Code != tt.wire {
				t.Errorf("got HTTP %d %q, want HTTP %d %q", resp.StatusCode, e.Code, tt.status, tt.wire)
			}
		})
	}
}

func TestSimulatorFile(t *testing.T) {
	c := newTestClient(t, NewSimulator(SimConfig{ClientSecret: testSecret}))
	req, _ := http.NewRequest(http.MethodGet, c.Base+"/oauth2/1/file/"+panURI, nil)
	req.Header.Set("Authorization", "Bearer verified-1")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer upstream.CloseBody(resp)
	body := SimFile(panURI)
	if resp.Header.Get("Content-Type") != "application/pdf" || resp.ContentLength != int64(len(body)) {
		t.Errorf("got Content-Type %q Content-Length %d, want application/pdf %d", resp.Header.Get("Content-Type"), resp.ContentLength, len(body))
	}
	if got, want := resp.Header.Get("hmac"), NewSimulator(SimConfig{ClientSecret: testSecret}).sign(body); got != want {
		t.Errorf("got hmac %q, want %q", got, want)
	}
	if !strings.HasPrefix(string(body), "%PDF-1.4\n") || !strings.Contains(string(body), panURI) || string(SimFile("other")) == string(body) {
		t.Errorf("got file %q, want a PDF naming its uri, different per uri", body)
	}
}

func TestSimulatorFaultsUseDigiLockerBodies(t *testing.T) {
	c := newTestClient(t, NewSimulator(SimConfig{Faults: simulation.Faults{ErrorRate: 1}}))
	req, _ := http.NewRequest(http.MethodGet, c.Base+"/oauth2/1/user", nil)
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var e APIError
	if err := json.NewDecoder(resp.Body).Decode(&e); err != nil || resp.StatusCode != 500 || e.Code != "unexpected_error" {
		t.Errorf("got HTTP %d %+v (%v), want HTTP 500 unexpected_error", resp.StatusCode, e, err)
	}
}
