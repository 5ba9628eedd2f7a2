package flexfactor

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify/provider/simulation"
)

// do sends a request to e's simulator and returns the status, a header and
// the body.
func (e *env) do(t *testing.T, method, path, auth, form string) (int, http.Header, string) {
	t.Helper()
	var body io.Reader
	if form != "" {
		body = strings.NewReader(form)
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, body)
	if form != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func basic(id, secret string) string {
	r, _ := http.NewRequest("GET", "/", nil)
	r.SetBasicAuth(id, secret)
	return r.Header.Get("Authorization")
}

func TestSimulatorTokenEndpoint(t *testing.T) {
	tests := []struct {
		name, method, auth, form string
		status                   int
		words                    string
	}{
		{"Basic credentials get a token", "POST", basic(testClientID, testSecret), "grant_type=client_credentials", 200, `"token_type":"Bearer","expires_in":3600`},
		{"form credentials get a token", "POST", "", "grant_type=client_credentials&client_id=" + testClientID + "&client_secret=" + testSecret, 200, `"access_token":"fft_`},
		{"a wrong secret is invalid_client", "POST", basic(testClientID, "nope"), "grant_type=client_credentials", 401, `"error":"invalid_client"`},
		{"no credentials are invalid_client", "POST", "", "grant_type=client_credentials", 401, `"error":"invalid_client"`},
		{"another grant is unsupported_grant_type", "POST", basic(testClientID, testSecret), "grant_type=password", 400, `"error":"unsupported_grant_type"`},
		{"a GET is not allowed", "GET", basic(testClientID, testSecret), "", 405, ""},
	}
	e := newEnv(t, SimConfig{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, h, body := e.do(t, tt.method, "/oauth2/token", tt.auth, tt.form)
			if status != tt.status || !strings.Contains(body, tt.words) {
				t.Errorf("got HTTP %d %s, want HTTP %d with %s", status, body, tt.status, tt.words)
			}
			if status == 401 && h.Get("WWW-Authenticate") == "" {
				t.Error("got a 401 without WWW-Authenticate, want one (RFC 6749 §5.2)")
			}
		})
	}
	if got := e.sim.Counts().TokensIssued; got != 2 {
		t.Errorf("got %d tokens issued, want 2", got)
	}
}

func TestSimulatorList(t *testing.T) {
	e := newEnv(t, SimConfig{TokenTTL: time.Minute})
	token := e.token(t)
	tests := []struct {
		name, path, auth string
		status           int
		words            string
	}{
		{"a list without a token is refused as the seed shows", "/v1/onboarding/application/complete-1/documents/", "", 401, ErrInvalidBearer},
		{"a token the simulator never issued is refused", "/v1/onboarding/application/complete-1/documents/", "Bearer fft_forged", 401, ErrInvalidBearer},
		{"a token in another scheme is refused", "/v1/onboarding/application/complete-1/documents/", "Basic " + token, 401, ErrInvalidBearer},
		{"the seed's lower-case bearer scheme is accepted", "/v1/onboarding/application/complete-1/documents/", "bearer " + token, 200, `"totalDocuments":3`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, _, body := e.do(t, "GET", tt.path, tt.auth, "")
			if status != tt.status || !strings.Contains(body, tt.words) {
				t.Errorf("got HTTP %d %s, want HTTP %d with %s", status, body, tt.status, tt.words)
			}
		})
	}
	t.Run("an expired token is refused", func(t *testing.T) {
		e.clock.Add(time.Minute)
		status, _, body := e.do(t, "GET", "/v1/onboarding/application/complete-1/documents/", "Bearer "+token, "")
		if status != 401 || !strings.Contains(body, ErrInvalidBearer) {
			t.Errorf("got HTTP %d %s, want 401 %s", status, body, ErrInvalidBearer)
		}
	})
}

// listed returns the documents e's simulator lists for app, requested at
// path prefix+the API path through h.
func listed(t *testing.T, e *env, h http.Handler, prefix, app string) []Document {
	t.Helper()
	req := httptest.NewRequest("GET", "http://sim.example:8080"+prefix+"/v1/onboarding/application/"+app+"/documents/", nil)
	req.Header.Set("Authorization", "Bearer "+e.token(t))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	var list DocumentList
	if err := json.Unmarshal(w.Body.Bytes(), &list); err != nil || w.Code != 200 {
		t.Fatalf("got HTTP %d %s (%v), want a list", w.Code, w.Body, err)
	}
	return list.Documents
}

func TestSimulatorDownloadLinks(t *testing.T) {
	t.Run("a link is absolute, on the request's host, and pre-signed", func(t *testing.T) {
		e := newEnv(t, SimConfig{})
		docs := listed(t, e, e.sim, "", "complete-1")
		u, err := url.Parse(docs[0].DownloadURL)
		if err != nil || u.Scheme != "http" || u.Host != "sim.example:8080" || u.Path != "/download/document_789012_complete-1" {
			t.Fatalf("got link %q, want http://sim.example:8080/download/document_789012_complete-1?...", docs[0].DownloadURL)
		}
		if exp := u.Query().Get("expires"); exp != "1731774900" || u.Query().Get("token") == "" {
			t.Errorf("got expires %s token %q, want 5 minutes after the clock (1731774900) and a signature", exp, u.Query().Get("token"))
		}
	})
	t.Run("a link follows PublicURL when set", func(t *testing.T) {
		e := newEnv(t, SimConfig{PublicURL: "https://files.flexfactor.example/ff/"})
		docs := listed(t, e, e.sim, "", "complete-1")
		if !strings.HasPrefix(docs[0].DownloadURL, "https://files.flexfactor.example/ff/download/document_789012_complete-1?") {
			t.Errorf("got link %q, want it under PublicURL", docs[0].DownloadURL)
		}
	})
	t.Run("a link keeps the prefix a StripPrefix removed", func(t *testing.T) {
		e := newEnv(t, SimConfig{})
		docs := listed(t, e, http.StripPrefix("/flexfactor", e.sim), "/flexfactor", "complete-1")
		if !strings.HasPrefix(docs[0].DownloadURL, "http://sim.example:8080/flexfactor/download/document_789012_complete-1?") {
			t.Errorf("got link %q, want it under /flexfactor", docs[0].DownloadURL)
		}
	})

	e := newEnv(t, SimConfig{})
	docs := listed(t, e, e.sim, "", "complete-1")
	link, _ := url.Parse(docs[0].DownloadURL)
	path := func(q url.Values) string { return link.Path + "?" + q.Encode() }
	forged := link.Query()
	forged.Set("expires", "9999999999")
	other := link.Query()
	tests := []struct {
		name   string
		path   string
		status int
		words  string
	}{
		{"a signed link serves the file", link.RequestURI(), 200, "%PDF-1.4"},
		{"a link whose expiry was pushed back is refused", path(forged), 403, "<Code>SignatureDoesNotMatch</Code>"},
		{"a link without its signature is refused", link.Path, 403, "<Code>SignatureDoesNotMatch</Code>"},
		{"a signature of another document is refused", "/download/document_789013_complete-1?" + other.Encode(), 403, "SignatureDoesNotMatch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, _, body := e.do(t, "GET", tt.path, "", "")
			if status != tt.status || !strings.Contains(body, tt.words) {
				t.Errorf("got HTTP %d %.80q, want HTTP %d with %s", status, body, tt.status, tt.words)
			}
		})
	}
	t.Run("a link past its expiry is refused like S3 does", func(t *testing.T) {
		e.clock.Add(DefaultSimLinkTTL + time.Second)
		status, h, body := e.do(t, "GET", link.RequestURI(), "", "")
		if status != 403 || !strings.Contains(body, "<Code>AccessDenied</Code><Message>Request has expired</Message>") || h.Get("Content-Type") != "application/xml" {
			t.Errorf("got HTTP %d %s %s, want 403 application/xml AccessDenied Request has expired", status, h.Get("Content-Type"), body)
		}
	})
	t.Run("a signed link to an unknown document is not found", func(t *testing.T) {
		q := e.sim.sign("document_789012_unknown-1", e.clock.Now().Add(time.Minute))
		status, _, body := e.do(t, "GET", "/download/document_789012_unknown-1?"+q.Encode(), "", "")
		if status != 404 || !strings.Contains(body, "NoSuchKey") {
			t.Errorf("got HTTP %d %s, want 404 NoSuchKey", status, body)
		}
	})
}

func TestSimFile(t *testing.T) {
	tests := []struct {
		id    string
		size  int
		magic string
	}{
		{"document_789012_complete-1", 2048, "%PDF-1.4\n"},
		{"document_789013_complete-1", 4000, "%PDF-1.4\n"},
		{"document_789014_partial-1", 8000, "%PDF-1.4\n"},
		{"document_789012_mismatch-size-1", 2048 + 100, "%PDF-1.4\n"},
		{"document_789012_mismatch-type-1", 2048, "\x89PNG\r\n\x1a\n"},
	}
	for _, tt := range tests {
		t.Run(tt.id+" is "+tt.magic[1:4]+" of its size", func(t *testing.T) {
			b := SimFile(tt.id)
			if len(b) != tt.size || !bytes.HasPrefix(b, []byte(tt.magic)) || !bytes.Contains(b, []byte(tt.id)) {
				t.Errorf("got %d bytes starting %.10q, want %d starting %q and naming the id", len(b), b, tt.size, tt.magic)
			}
		})
	}
	if bytes.Equal(SimFile("document_789012_complete-1"), SimFile("document_789012_complete-2")) {
		t.Error("got the same file for two applications, want them to differ")
	}
	for _, id := range []string{"document_789012_unknown-1", "document_789012_", "document_000000_complete-1", "complete-1"} {
		if b := SimFile(id); b != nil {
			t.Errorf("SimFile(%q) got %d bytes, want none", id, len(b))
		}
	}
}

func TestKindOf(t *testing.T) {
	tests := []struct{ id, want string }{
		{"complete", AppComplete},
		{"complete-0001", AppComplete},
		{"mismatch-size-7", AppMismatchSize},
		{"mismatch-type-x-y", AppMismatchType},
		{"mismatch-7", AppUnknown},
		{"completed-1", AppUnknown},
		{"Complete-1", AppUnknown},
		{"", AppUnknown},
	}
	for _, tt := range tests {
		t.Run("application "+tt.id+" is of kind "+tt.want, func(t *testing.T) {
			if got, _ := kindOf(tt.id); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestSimulatorFaultsUseFlexFactorBodies(t *testing.T) {
	e := newEnv(t, SimConfig{Faults: simulation.Faults{ErrorRate: 1}})
	status, _, body := e.do(t, "GET", "/v1/onboarding/application/complete-1/documents/", "", "")
	var got APIError
	if err := json.Unmarshal([]byte(body), &got); err != nil || status != 500 || len(got.Errors) != 1 {
		t.Errorf("got HTTP %d %s (%v), want 500 with one error in errors", status, body, err)
	}
}
