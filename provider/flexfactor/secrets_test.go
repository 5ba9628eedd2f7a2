package flexfactor

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/providertest"
	"github.com/bulkverify/bulkverify/provider/simulation"
)

// secretsOf returns the secret and every credential e's client sent: bearer
// tokens, Basic credentials and the signatures of download links.
func secretsOf(e *env) []string {
	out := []string{testSecret}
	for _, s := range e.rec.Exchanges("/") {
		if tok, ok := strings.CutPrefix(authOf(s), "Bearer "); ok {
			out = append(out, tok)
		}
		if b, ok := strings.CutPrefix(authOf(s), "Basic "); ok {
			out = append(out, b)
		}
		if sig := s.URL.Query().Get("token"); sig != "" {
			out = append(out, sig)
		}
	}
	return out
}

func TestSecretsStayOutOfMessagesAndErrors(t *testing.T) {
	for _, kind := range ApplicationKinds() {
		t.Run("application "+kind+" leaks no credential", func(t *testing.T) {
			e := newEnv(t, SimConfig{})
			for _, types := range []string{allTypes, "ID", "Passport"} {
				res, err := providertest.Verify(t, e.c, appRow(kind+"-1", types))
				providertest.NoSecret(t, secretsOf(e), res, err)
			}
			if len(secretsOf(e)) < 2 {
				t.Errorf("got no credential sent, want the check to look for some")
			}
		})
	}
	t.Run("a refused client secret is not repeated", func(t *testing.T) {
		e := newStubEnv(t, NewSimulator(SimConfig{ClientID: testClientID, ClientSecret: "the-right-secret"}))
		res, err := providertest.Verify(t, e.c, appRow("complete-1", "ID"))
		providertest.NoSecret(t, secretsOf(e), res, err)
	})
	t.Run("an upstream that echoes the secret and the token is redacted", func(t *testing.T) {
		status := http.StatusForbidden
		e := newStubEnv(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/oauth2/token" {
				simulation.WriteJSON(w, 200, TokenResponse{AccessToken: "fft_echoed-token-0123456789", ExpiresIn: 60})
				return
			}
			simulation.WriteJSON(w, status, APIError{Errors: []string{"token " + strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ") + " secret " + testSecret}})
		}))
		res, err := providertest.Verify(t, e.c, appRow("complete-1", "ID"))
		if res.Code != bulkverify.CodeUpstreamRejected || strings.Count(res.Message, "[redacted]") != 2 {
			t.Errorf("got %s %q, want UPSTREAM_REJECTED with both echoes redacted", res.Code, res.Message)
		}
		providertest.NoSecret(t, secretsOf(e), res, err)
		status = http.StatusServiceUnavailable
		_, err = providertest.Verify(t, e.c, appRow("complete-1", "ID"))
		if ue := providertest.UpstreamError(t, err); strings.Count(ue.Reason, "[redacted]") != 2 {
			t.Errorf("got reason %q, want both echoes redacted", ue.Reason)
		}
		providertest.NoSecret(t, secretsOf(e), bulkverify.Result{}, err)
	})
	t.Run("a token endpoint that echoes the Basic credentials is redacted", func(t *testing.T) {
		e := newStubEnv(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, secret, _ := r.BasicAuth()
			writeOAuthError(w, 401, "invalid_client", "unknown secret "+secret)
		}))
		res, err := providertest.Verify(t, e.c, appRow("complete-1", "ID"))
		if res.Code != bulkverify.CodeTokenInvalid || !strings.Contains(res.Message, "unknown secret [redacted]") {
			t.Errorf("got %s %q, want TOKEN_INVALID with the secret redacted", res.Code, res.Message)
		}
		providertest.NoSecret(t, append(secretsOf(e), base64.StdEncoding.EncodeToString([]byte(testClientID+":"+testSecret))), res, err)
	})
	t.Run("a download that gets no answer does not show the link's signature", func(t *testing.T) {
		gone := httptest.NewServer(http.NotFoundHandler())
		gone.Close()
		e := newDocsEnv(t, Document{FileType: "application/pdf", FileSize: 10},
			func(string) string { return gone.URL + "/download/document_1?token=t0k3n-abcdefgh" }, serve(nil),
			func(c *Config) { c.DownloadHosts = []string{"127.0.0.1"} })
		_, err := providertest.Verify(t, e.c, appRow("complete-1", "ID"))
		ue := providertest.UpstreamError(t, err)
		if ue.Op != OpDownload || !strings.Contains(err.Error(), "/download/document_1") {
			t.Errorf("got %v, want a download error naming the link's path", err)
		}
		providertest.NoSecret(t, []string{"t0k3n-abcdefgh"}, bulkverify.Result{}, err)
	})
}
