package flexfactor

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/providertest"
)

// scripted serves a simulator, but answers every request under prefix with
// status and body.
func scripted(prefix string, status int, body string) http.Handler {
	sim := NewSimulator(SimConfig{ClientID: testClientID, ClientSecret: testSecret})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, prefix) {
			sim.ServeHTTP(w, r)
			return
		}
		if strings.HasPrefix(body, "<") {
			w.Header().Set("Content-Type", "application/xml")
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	})
}

const (
	s3Expired  = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>`
	s3NoSuch   = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>`
	seed404    = `{"errors": ["Invalid application ID."]}`
	seed401    = `{"errors": ["Authentication failed. Invalid bearer token."]}`
	seedFailed = `{"status": "FAILED", "success": false, "totalDocuments": 0, "documents": [], "errors": ["Invalid application ID."]}`
)

// mappingCases are the rows of Classify's table, each met by a row.
var mappingCases = []struct {
	name   string
	prefix string // where the answer is given
	op     string
	status int
	body   string
	want   providertest.Want
}{
	{"a token 400 invalid_request is TOKEN_INVALID", "/oauth2/token", OpToken, 400, `{"error":"invalid_request"}`,
		final(bulkverify.StatusFailed, bulkverify.CodeTokenInvalid, "HTTP 400: invalid_request")},
	{"a token 401 invalid_client is TOKEN_INVALID", "/oauth2/token", OpToken, 401, `{"error":"invalid_client","error_description":"Client authentication failed."}`,
		final(bulkverify.StatusFailed, bulkverify.CodeTokenInvalid, "HTTP 401: invalid_client; Client authentication failed.")},
	{"a token 403 is TOKEN_INVALID", "/oauth2/token", OpToken, 403, `{"error":"access_denied"}`,
		final(bulkverify.StatusFailed, bulkverify.CodeTokenInvalid, "access_denied")},
	{"a token 404 is UPSTREAM_REJECTED", "/oauth2/token", OpToken, 404, `404 page not found`,
		final(bulkverify.StatusFailed, bulkverify.CodeUpstreamRejected, "FlexFactor refused to get an access token (HTTP 404)")},
	{"a token 429 is transient", "/oauth2/token", OpToken, 429, `{"error":"slow_down"}`, transient(OpToken, 429, "slow_down")},
	{"a token 500 is transient", "/oauth2/token", OpToken, 500, `{"error":"server_error"}`, transient(OpToken, 500, "server_error")},

	{"the seed's 404 Invalid application ID. is APPLICATION_NOT_FOUND", "/v1/", OpList, 404, seed404,
		final(bulkverify.StatusNotVerified, bulkverify.CodeApplicationNotFound, "(HTTP 404: Invalid application ID.)")},
	{"the seed's failed retrieval is APPLICATION_NOT_FOUND", "/v1/", OpList, 200, seedFailed,
		final(bulkverify.StatusNotVerified, bulkverify.CodeApplicationNotFound, "(HTTP 200 success:false: Invalid application ID.)")},
	{"a 400 saying invalid application id is APPLICATION_NOT_FOUND", "/v1/", OpList, 400, `{"errors":["invalid  application ID"]}`,
		final(bulkverify.StatusNotVerified, bulkverify.CodeApplicationNotFound, "HTTP 400")},
	{"the seed's 401 twice is TOKEN_INVALID", "/v1/", OpList, 401, seed401,
		final(bulkverify.StatusFailed, bulkverify.CodeTokenInvalid, "Authentication failed. Invalid bearer token.")},
	{"a success:false with other errors is UPSTREAM_REJECTED", "/v1/", OpList, 200, `{"status":"FAILED","success":false,"errors":["Application is locked.","Contact support."]}`,
		final(bulkverify.StatusFailed, bulkverify.CodeUpstreamRejected, "(HTTP 200 success:false: Application is locked.; Contact support.)")},
	{"a bare 404 is UPSTREAM_REJECTED, not APPLICATION_NOT_FOUND", "/v1/", OpList, 404, `404 page not found`,
		final(bulkverify.StatusFailed, bulkverify.CodeUpstreamRejected, "(HTTP 404)")},
	{"a list 403 is UPSTREAM_REJECTED", "/v1/", OpList, 403, `{"errors":["Forbidden."]}`,
		final(bulkverify.StatusFailed, bulkverify.CodeUpstreamRejected, "HTTP 403: Forbidden.")},
	{"a list 429 is transient", "/v1/", OpList, 429, `{"errors":["Too many requests."]}`, transient(OpList, 429, "Too many requests.")},
	{"a list 503 is transient", "/v1/", OpList, 503, `{"errors":["Down."]}`, transient(OpList, 503, "Down.")},

	{"a download 403 expired twice is transient", "/download/", OpDownload, 403, s3Expired, transient(OpDownload, 403, "AccessDenied: Request has expired")},
	{"a download 410 twice is transient", "/download/", OpDownload, 410, `{"message":"Link gone"}`, transient(OpDownload, 410, "Link gone")},
	{"a download 404 is DOCUMENT_NOT_FOUND", "/download/", OpDownload, 404, s3NoSuch,
		final(bulkverify.StatusNotVerified, bulkverify.CodeDocumentNotFound, `lists document "document_789012_complete-1" (ID) of application "complete-1" but its download link found no file (HTTP 404: NoSuchKey: The specified key does not exist.)`)},
	{"a download 400 is UPSTREAM_REJECTED", "/download/", OpDownload, 400, `{"message":"Bad request"}`,
		final(bulkverify.StatusFailed, bulkverify.CodeUpstreamRejected, "HTTP 400: Bad request")},
	{"a download 500 is transient", "/download/", OpDownload, 500, `<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>`,
		transient(OpDownload, 500, "InternalError: We encountered an internal error.")},
}

func TestEveryMappedAnswer(t *testing.T) {
	for _, tt := range mappingCases {
		t.Run(tt.name, func(t *testing.T) {
			e := newStubEnv(t, scripted(tt.prefix, tt.status, tt.body))
			res, err := providertest.Verify(t, e.c, appRow("complete-1", "ID"))
			tt.want.Check(t, res, err)

			var errs []string
			json.Unmarshal([]byte(tt.body), &struct{ Errors *[]string }{&errs})
			wantClass := Outcome{Transient: tt.want.Op != "", Status: tt.want.Status, Code: tt.want.Code}
			if got := Classify(tt.op, tt.status, append(errs, downloadErrors(strings.NewReader(tt.body))...)); got != wantClass {
				t.Errorf("Classify(%s, %d) got %+v, want %+v as Verify found", tt.op, tt.status, got, wantClass)
			}
		})
	}
}

// readSample reads a response of the seed kept in testdata.
func readSample(t *testing.T, name string) (int, []byte) {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(name, ".http") {
		return http.StatusOK, b
	}
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(b)), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

func TestTheSimulatorAnswersTheSeedsErrors(t *testing.T) {
	tests := []struct {
		spec   SpecError
		sample string
		path   string
		auth   bool
		want   Outcome
	}{
		{SpecErrors[0], "list_failure_sample.json", "/v1/onboarding/application/invalid-1/documents/", true,
			Outcome{Status: bulkverify.StatusNotVerified, Code: bulkverify.CodeApplicationNotFound}},
		{SpecErrors[1], "error_404_sample.http", "/v1/onboarding/application/unknown-1/documents/", true,
			Outcome{Status: bulkverify.StatusNotVerified, Code: bulkverify.CodeApplicationNotFound}},
		{SpecErrors[2], "error_401_sample.http", "/v1/onboarding/application/complete-1/documents/", false,
			Outcome{Status: bulkverify.StatusFailed, Code: bulkverify.CodeTokenInvalid}},
	}
	if len(tests) != len(SpecErrors) {
		t.Fatalf("got %d SpecErrors, want the seed's %d", len(SpecErrors), len(tests))
	}
	e := newEnv(t, SimConfig{})
	for _, tt := range tests {
		t.Run(tt.sample+" is what the simulator answers and the adapter maps", func(t *testing.T) {
			status, sample := readSample(t, tt.sample)
			req, _ := http.NewRequest(http.MethodGet, e.srv.URL+tt.path, nil)
			if tt.auth {
				req.Header.Set("Authorization", "bearer "+e.token(t))
			}
			resp, err := e.srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != status || resp.StatusCode != tt.spec.Status || !jsonEqual(t, body, sample) {
				t.Errorf("got HTTP %d %s, want the seed's HTTP %d %s", resp.StatusCode, body, status, sample)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("got Content-Type %q, want application/json", ct)
			}
			var e APIError
			json.Unmarshal(sample, &e)
			if !reflect.DeepEqual(e.Errors, []string{tt.spec.Error}) {
				t.Errorf("got SpecError %+v, want the sample's errors %q", tt.spec, e.Errors)
			}
			if got := Classify(tt.spec.API, tt.spec.Status, []string{tt.spec.Error}); got != tt.want {
				t.Errorf("Classify got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// token returns a token issued by e's simulator.
func (e *env) token(t *testing.T) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/oauth2/token", strings.NewReader("grant_type=client_credentials"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(testClientID, testSecret)
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tr TokenResponse
	if err := json.NewDecoder(resp.Body).Decode(&tr); err != nil || tr.AccessToken == "" {
		t.Fatalf("got HTTP %d %+v (%v), want a token", resp.StatusCode, tr, err)
	}
	return tr.AccessToken
}

// jsonEqual reports whether a and b are the same JSON value.
func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		t.Errorf("got %q, want JSON: %v", a, err)
		return false
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		t.Fatalf("sample %q is not JSON: %v", b, err)
	}
	return reflect.DeepEqual(va, vb)
}
