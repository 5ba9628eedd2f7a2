package digilocker

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/bulkverify/bulkverify/provider/digilocker/certxml"
	"github.com/bulkverify/bulkverify/provider/simulation"
)

const (
	simTestClientID = "sim-test-client-id"
	simTestSecret   = "sim-test-client-secret"
)

// simBundle is a simulator under test and a verifier of its XML.
type simBundle struct {
	sim      *Simulator
	verifier *certxml.Verifier
}

func setupSim(t *testing.T) simBundle {
	t.Helper()
	v, err := certxml.NewVerifier([]byte(SimXMLCertPEM))
	if err != nil {
		t.Fatalf("got error %v for SimXMLCertPEM, want none", err)
	}
	sim := NewSimulator(SimConfig{ClientID: simTestClientID, ClientSecret: simTestSecret, Faults: simulation.Faults{}})
	return simBundle{sim: sim, verifier: v}
}

// get sends GET path with token (none when empty) through the handler.
func (b simBundle) get(t *testing.T, path, token string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, path, nil)
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	w := httptest.NewRecorder()
	b.sim.ServeHTTP(w, r)
	return w
}

// refresh sends the refresh grant with Basic id and secret (none when id
// is empty) and the form.
func (b simBundle) refresh(t *testing.T, id, secret string, form url.Values) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/oauth2/1/token", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if id != "" {
		r.SetBasicAuth(id, secret)
	}
	w := httptest.NewRecorder()
	b.sim.ServeHTTP(w, r)
	return w
}

// xmlPath is the certificate XML path of uri.
func xmlPath(uri string) string { return "/oauth2/1/xml/" + url.PathEscape(uri) }

const eaadhaarPath = "/oauth2/3/xml/eaadhaar"

// wantXML checks an XML answer: 200, its headers, and an hmac header that
// matches the body (or, when tampered, does not).
func wantXML(t *testing.T, w *httptest.ResponseRecorder, tampered bool) []byte {
	t.Helper()
	if w.Code != http.StatusOK {
		t.Fatalf("got HTTP %d %s, want 200", w.Code, w.Body)
	}
	body := w.Body.Bytes()
	if got := w.Header().Get("Content-Type"); got != "application/xml" {
		t.Errorf("got Content-Type %q, want application/xml", got)
	}
	if got, want := w.Header().Get("Content-Length"), len(body); got != strconv.Itoa(want) {
		t.Errorf("got Content-Length %s, want %d", got, want)
	}
	m := hmac.New(sha256.New, []byte(simTestSecret))
	m.Write(body)
	if matches := w.Header().Get("hmac") == base64.StdEncoding.EncodeToString(m.Sum(nil)); matches == tampered {
		t.Errorf("got hmac header matching the body %v, want %v", matches, !tampered)
	}
	return body
}

// wantAPIError checks an error answer's status, code and description.
func wantAPIError(t *testing.T, w *httptest.ResponseRecorder, status int, code, desc string) {
	t.Helper()
	var e APIError
	if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil {
		t.Fatalf("got body %q, want a JSON error: %v", w.Body, err)
	}
	if w.Code != status || e.Code != code || (desc != "" && e.Description != desc) {
		t.Errorf("got HTTP %d %q %q, want %d %q %q", w.Code, e.Code, e.Description, status, code, desc)
	}
}

// decode decodes a JSON answer into v.
func decode(t *testing.T, w *httptest.ResponseRecorder, v any) {
	t.Helper()
	if w.Code != http.StatusOK {
		t.Fatalf("got HTTP %d %s, want 200", w.Code, w.Body)
	}
	if err := json.Unmarshal(w.Body.Bytes(), v); err != nil {
		t.Fatalf("got body %q: %v", w.Body, err)
	}
}
