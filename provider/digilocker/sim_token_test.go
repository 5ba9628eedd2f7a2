package digilocker

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/bulkverify/bulkverify/provider/simulation"
)

func refreshForm(token string) url.Values {
	return url.Values{"grant_type": {"refresh_token"}, "refresh_token": {token}}
}

func TestSimRefreshGrant(t *testing.T) {
	tests := []struct {
		name, refresh, wantAccess, wantUser string
	}{
		{"verified's refresh token", "refresh-verified-x", "verified-refreshed-x", "Sunil Kumar"},
		{"a refresh token whose anything has dashes", "refresh-flaky-a-b-c", "flaky-refreshed-a-b-c", "Sunil Kumar"},
		{"a person's refresh token", "refresh-person-3-abc", "person-3-refreshed-abc", SimHolders[3].Profile},
	}
	for _, tt := range tests {
		t.Run(tt.name+" gives a working access token", func(t *testing.T) {
			b := setupSim(t)
			var got simTokenAnswer
			decode(t, b.refresh(t, simTestClientID, simTestSecret, refreshForm(tt.refresh)), &got)
			if got.AccessToken != tt.wantAccess || got.ExpiresIn != 3600 || got.TokenType != "Bearer" || got.Name != tt.wantUser {
				t.Errorf("got %+v, want access token %s, 3600 s, Bearer, user %s", got, tt.wantAccess, tt.wantUser)
			}
			prefix, _, _ := strings.Cut(tt.wantAccess, "-refreshed-")
			if got.RefreshToken == tt.refresh || !strings.HasPrefix(got.RefreshToken, "refresh-"+prefix+"-") {
				t.Errorf("got refresh token %q, want a new one of %s", got.RefreshToken, prefix)
			}
			var u User
			decode(t, b.get(t, "/oauth2/1/user", got.AccessToken), &u)
			if u.Name != tt.wantUser {
				t.Errorf("got user %q with the new token, want %q", u.Name, tt.wantUser)
			}
			decode(t, b.refresh(t, simTestClientID, simTestSecret, refreshForm(got.RefreshToken)), &simTokenAnswer{})
		})
	}
}

func TestSimExpiredTokenIsRefreshedWithVerifiedsRefreshToken(t *testing.T) {
	b := setupSim(t)
	wantAPIError(t, b.get(t, "/oauth2/1/user", "expiredtoken-0007"), 401, "invalid_token", "")
	var got simTokenAnswer
	decode(t, b.refresh(t, simTestClientID, simTestSecret, refreshForm("refresh-verified-x")), &got)
	wantXML(t, b.get(t, xmlPath("in.gov.pan-PANCR-ABCDE1234F"), got.AccessToken), false)
}

func TestSimRefreshGrantRefuses(t *testing.T) {
	good := refreshForm("refresh-verified-x")
	tests := []struct {
		name, id, secret string
		form             url.Values
		code, desc       string
	}{
		{"a wrong client id", "other-client", simTestSecret, good, "invalid_client", "The client credentials are invalid"},
		{"a wrong client secret", simTestClientID, "other-secret", good, "invalid_client", ""},
		{"no HTTP Basic", "", "", good, "invalid_client", ""},
		{"a grant_type other than refresh_token", simTestClientID, simTestSecret,
			url.Values{"grant_type": {"authorization_code"}, "refresh_token": {"refresh-verified-x"}}, "invalid_grant_type", "The grant_type parameter is invalid"},
		{"no grant_type", simTestClientID, simTestSecret, url.Values{"refresh_token": {"refresh-verified-x"}}, "invalid_grant_type", ""},
		{"no refresh token", simTestClientID, simTestSecret, url.Values{"grant_type": {"refresh_token"}}, "invalid_grant", "The refresh token is invalid"},
		{"an access token", simTestClientID, simTestSecret, refreshForm("verified-x"), "invalid_grant", ""},
		{"an unknown account's", simTestClientID, simTestSecret, refreshForm("refresh-nobody-x"), "invalid_grant", ""},
		{"one without anything after the account", simTestClientID, simTestSecret, refreshForm("refresh-verified"), "invalid_grant", ""},
		{"a person's without a number", simTestClientID, simTestSecret, refreshForm("refresh-person-x"), "invalid_grant", ""},
	}
	for _, tt := range tests {
		t.Run("a refresh grant with "+tt.name+" is answered "+tt.code, func(t *testing.T) {
			wantAPIError(t, setupSim(t).refresh(t, tt.id, tt.secret, tt.form), http.StatusBadRequest, tt.code, tt.desc)
		})
	}
}

func TestSimWithoutClientIDRefusesEveryRefresh(t *testing.T) {
	b := simBundle{sim: NewSimulator(SimConfig{ClientSecret: simTestSecret})}
	wantAPIError(t, b.refresh(t, "", simTestSecret, refreshForm("refresh-verified-x")), 400, "invalid_client", "")
	r, _ := http.NewRequest(http.MethodPost, "/oauth2/1/token", strings.NewReader(refreshForm("refresh-verified-x").Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Authorization", "Basic Og==") // ":"
	w := newRecorder()
	b.sim.ServeHTTP(w, r)
	wantAPIError(t, w, 400, "invalid_client", "")
}

func TestSimDevSettingsRefresh(t *testing.T) {
	s := Provider.DevSettings(func(string) string { return "" })
	if s.Get("XML_CERT") != SimXMLCertPEM || s.Get("CLIENT_ID") != "dev-digilocker-client-id" {
		t.Fatalf("got XML_CERT %.30q and CLIENT_ID %q, want the simulator's certificate and dev-digilocker-client-id", s.Get("XML_CERT"), s.Get("CLIENT_ID"))
	}
	b := simBundle{sim: Provider.Simulate(s, simulation.Faults{}).(*Simulator)}
	var got simTokenAnswer
	decode(t, b.refresh(t, s.Get("CLIENT_ID"), s.Get("CLIENT_SECRET"), refreshForm("refresh-verified-x")), &got)
	if got.AccessToken != "verified-refreshed-x" {
		t.Errorf("got %+v, want access token verified-refreshed-x", got)
	}
}
