package digilocker

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"strings"

	"github.com/bulkverify/bulkverify/provider/simulation"
)

// maxTokenForm bounds the body of a refresh grant.
const maxTokenForm = 16 << 10

// refreshPrefix starts every refresh token the simulator accepts.
const refreshPrefix = "refresh-"

// simTokenAnswer is the answer of the refresh grant, as the spec's sample.
type simTokenAnswer struct {
	AccessToken      string `json:"access_token"`
	ExpiresIn        int    `json:"expires_in"`
	TokenType        string `json:"token_type"`
	Scope            string `json:"scope"`
	ConsentValidTill int64  `json:"consent_valid_till"`
	RefreshToken     string `json:"refresh_token"`
	User
}

// handleToken serves POST /oauth2/1/token with the refresh grant ("Refresh
// Access Token"): HTTP Basic with the client id and secret, form
// grant_type=refresh_token and refresh_token=refresh-<account>-<anything>.
func (s *Simulator) handleToken(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxTokenForm)
	id, secret, ok := r.BasicAuth()
	if !ok || !s.client(id, secret) {
		writeError(w, "invalid_client")
		return
	}
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "refresh_token" {
		writeError(w, "invalid_grant_type")
		return
	}
	refresh := r.PostForm.Get("refresh_token")
	c, access, ok := refreshed(refresh)
	if !ok {
		writeError(w, "invalid_grant")
		return
	}
	simulation.WriteJSON(w, http.StatusOK, simTokenAnswer{
		AccessToken: access, ExpiresIn: 3600, TokenType: "Bearer",
		Scope:            "files.issueddocs userdetails partners.PANCR partners.DRVLC",
		ConsentValidTill: 1924905600, // 2030-12-31
		RefreshToken:     nextRefresh(refresh, c.prefix),
		User:             c.user(),
	})
}

// client reports whether id and secret are the configured client's; with
// no client id configured, none is.
func (s *Simulator) client(id, secret string) bool {
	idOK := subtle.ConstantTimeCompare([]byte(id), s.clientID)
	secretOK := subtle.ConstantTimeCompare([]byte(secret), s.secret)
	return len(s.clientID) > 0 && idOK&secretOK == 1
}

// refreshed returns the caller a refresh token refresh-<prefix>-<anything>
// stands for and its new access token <prefix>-refreshed-<anything>, or
// false when it is not one.
func refreshed(refresh string) (caller, string, bool) {
	rest, ok := strings.CutPrefix(refresh, refreshPrefix)
	if !ok {
		return caller{}, "", false
	}
	c, ok := lookup(rest)
	if !ok || len(rest) == len(c.prefix) {
		return caller{}, "", false
	}
	return c, c.prefix + "-refreshed-" + rest[len(c.prefix)+1:], true
}

// nextRefresh returns the refresh token that replaces refresh: of the same
// account, and different for each.
func nextRefresh(refresh, prefix string) string {
	sum := sha256.Sum256([]byte(refresh))
	return refreshPrefix + prefix + "-" + hex.EncodeToString(sum[:8])
}
