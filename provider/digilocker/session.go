package digilocker

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/upstream"
)

// session is one row's conversation with DigiLocker: its access token,
// which a refresh grant may replace, in this worker's memory only.
type session struct {
	c       *Client
	row     bulkverify.Row
	token   string
	refresh string // the row's refresh_token, "" for none
	// refreshed is set once the access token was refreshed; newToken is
	// the refreshed token, redacted from whatever the row's answer says.
	refreshed bool
	newToken  string
}

func (c *Client) session(row bulkverify.Row) *session {
	return &session{c: c, row: row, token: row.Get("access_token"), refresh: row.Get(bulkverify.ClaimRefreshToken)}
}

// get sends GET path with the session's token. When DigiLocker answers 401
// and the row has a refresh token that this service may use, the token is
// refreshed once (for every row of the chunk that shares it) and the
// request sent again. A refresh that fails stops the row: stop is its
// result.
func (s *session) get(ctx context.Context, op, path string) (resp *http.Response, stop *bulkverify.Result, err error) {
	resp, err = s.c.get(ctx, s.token, op, path)
	if err != nil || resp.StatusCode != http.StatusUnauthorized || !s.canRefresh() {
		return resp, nil, err
	}
	upstream.CloseBody(resp)
	if stop, err := s.refreshToken(ctx); stop != nil || err != nil {
		return nil, stop, err
	}
	resp, err = s.c.get(ctx, s.token, op, path)
	return resp, nil, err
}

func (s *session) canRefresh() bool {
	return s.refresh != "" && !s.refreshed && s.c.clientID != ""
}

// tokenAnswer is the answer of POST /oauth2/1/token (spec 1.12, "Refresh
// Access Token"), of which only the new access token is kept.
type tokenAnswer struct {
	AccessToken string `json:"access_token"`
}

// refreshToken trades the row's refresh token for a new access token, once
// per refresh token in a chunk: DigiLocker hands out a new refresh token
// with each grant, so a second grant of the same one could fail.
func (s *session) refreshToken(ctx context.Context) (*bulkverify.Result, error) {
	key := "digilocker refresh " + digest(s.refresh)
	v, err := bulkverify.MemoFrom(ctx).Do(ctx, key, func() (any, error) { return s.c.grant(ctx, s.refresh) })
	if err != nil {
		return nil, err
	}
	g := v.(grant)
	if g.token == "" {
		r := g.outcome.Result(s.row, g.message)
		return &r, nil
	}
	s.token, s.newToken, s.refreshed = g.token, g.token, true
	return nil, nil
}

// grant is what a refresh grant gave: a new access token, or the final
// outcome that stops every row of that refresh token.
type grant struct {
	token   string
	outcome Outcome
	message string
}

// grant sends the refresh grant: HTTP Basic with the client id and secret,
// form grant_type=refresh_token and the refresh token.
func (c *Client) grant(ctx context.Context, refresh string) (grant, error) {
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}}
	req, err := c.NewRequest(ctx, OpToken, http.MethodPost, "/oauth2/1/token", strings.NewReader(form.Encode()))
	if err != nil {
		return grant{}, err
	}
	req.SetBasicAuth(c.clientID, string(c.secret))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.Do(OpToken, req)
	if err != nil {
		return grant{}, err
	}
	defer upstream.CloseBody(resp)
	if resp.StatusCode/100 != 2 {
		return c.refusedGrant(resp)
	}
	var t tokenAnswer
	if err := json.NewDecoder(io.LimitReader(resp.Body, upstream.MaxJSONBytes)).Decode(&t); err != nil {
		return grant{}, c.Unreadable(OpToken, resp, err)
	}
	if strings.TrimSpace(t.AccessToken) == "" {
		return grant{}, c.Error(OpToken, resp, "answer without an access_token", nil)
	}
	return grant{token: strings.TrimSpace(t.AccessToken)}, nil
}

// refusedGrant classifies an error answer to the refresh grant by the
// spec's table: invalid_grant means the user must sign in again;
// invalid_client and invalid_grant_type are this service's configuration.
func (c *Client) refusedGrant(resp *http.Response) (grant, error) {
	var e APIError
	if err := upstream.ReadErrorBody(resp, &e); err != nil {
		return grant{}, c.Unreadable(OpToken, resp, err)
	}
	answer := fmt.Sprintf("HTTP %d %s", resp.StatusCode, upstream.Clip(e.Code))
	switch {
	case e.Code == "invalid_grant":
		return grant{outcome: upstream.TokenInvalid, message: fmt.Sprintf(
			"DigiLocker rejected the access token, and refused to refresh it with the row's refresh_token (%s): ask the user to sign in to DigiLocker again and submit the row with the new tokens", answer)}, nil
	case e.Code == "invalid_client", e.Code == "invalid_grant_type":
		return grant{outcome: upstream.Rejected, message: fmt.Sprintf(
			"DigiLocker refused this service's refresh grant (%s): check BV_DIGILOCKER_CLIENT_ID and BV_DIGILOCKER_CLIENT_SECRET, then submit the row again", answer)}, nil
	case resp.StatusCode == http.StatusTooManyRequests, resp.StatusCode >= 500, e.Code == "unexpected_error":
		return grant{}, c.Transient(OpToken, resp, strings.TrimSpace(e.Code+": "+upstream.Clip(e.Description)))
	}
	return grant{outcome: upstream.Rejected, message: fmt.Sprintf(
		"DigiLocker refused to refresh the access token (%s): ask the user to sign in to DigiLocker again and submit the row with the new tokens", answer)}, nil
}

// digest names a secret in a Memo key without holding it.
func digest(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:16])
}
