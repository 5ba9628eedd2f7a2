package flexfactor

import (
	"context"
	"encoding/json"
	"io"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/bulkverify/bulkverify/provider/upstream"
)

// Token lifetimes.
const (
	// DefaultTokenLifetime is assumed when the token endpoint gives no
	// expires_in.
	DefaultTokenLifetime = 5 * time.Minute
	// maxRefreshMargin is how long before its expiry a token is replaced;
	// a short-lived token is replaced after nine tenths of its life instead.
	maxRefreshMargin = time.Minute
	// tokenFetchTimeout bounds a token request, which no single row's
	// context may cancel: the rows waiting for it share it.
	tokenFetchTimeout = 30 * time.Second
)

// tokens caches the client-credentials access token shared by every row of
// the Client. Only one request for a token is in flight at a time; the rows
// that need a token meanwhile wait for it. A row that gives up waiting does
// not cancel the request for the others, but the last one to give up does.
type tokens struct {
	c *Client

	mu        sync.Mutex
	token     string
	refreshAt time.Time
	flight    *flight // the request in flight, or nil
}

// flight is a token request in flight.
type flight struct {
	done    chan struct{} // closed when token and err are set
	token   string
	err     error
	waiters int
	cancel  context.CancelFunc
}

// get returns a live access token, asking for one when none is cached. An
// answer that refuses it comes back as a *refusal, no answer as a
// *bulkverify.UpstreamError.
func (t *tokens) get(ctx context.Context) (string, error) {
	t.mu.Lock()
	if t.token != "" && t.c.Now().Before(t.refreshAt) {
		defer t.mu.Unlock()
		return t.token, nil
	}
	f := t.flight
	if f == nil {
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), tokenFetchTimeout)
		f = &flight{done: make(chan struct{}), cancel: cancel}
		t.flight = f
		go t.run(fctx, f)
	}
	f.waiters++
	t.mu.Unlock()
	select {
	case <-f.done:
		return f.token, f.err
	case <-ctx.Done():
		t.leave(f)
		return "", t.c.Error(OpToken, nil, "no answer", ctx.Err())
	}
}

// run makes the token request of f.
func (t *tokens) run(ctx context.Context, f *flight) {
	token, err := t.fetch(ctx)
	f.cancel()
	t.mu.Lock()
	f.token, f.err = token, err
	if t.flight == f {
		t.flight = nil
	}
	t.mu.Unlock()
	close(f.done)
}

// leave stops a row's wait for f, and cancels f when no row waits for it.
func (t *tokens) leave(f *flight) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if f.waiters--; f.waiters == 0 {
		f.cancel()
		if t.flight == f {
			t.flight = nil
		}
	}
}

// invalidate drops token from the cache, unless it was replaced already.
func (t *tokens) invalidate(token string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.token == token {
		t.token = ""
	}
}

// fetch asks the token endpoint for a token with the client credentials,
// sent as HTTP Basic auth (client_secret_basic, RFC 6749 §2.3.1), and
// caches it.
func (t *tokens) fetch(ctx context.Context) (string, error) {
	resp, err := t.c.post(ctx, OpToken, "/oauth2/token", url.Values{"grant_type": {"client_credentials"}})
	if err != nil {
		return "", err
	}
	defer upstream.CloseBody(resp)
	if resp.StatusCode/100 != 2 {
		var e struct {
			OAuthError
			APIError // a gateway in front may answer like the API
		}
		if err := upstream.ReadErrorBody(resp, &e); err != nil {
			return "", t.c.Unreadable(OpToken, resp, err)
		}
		return "", t.c.refusal(OpToken, resp, append([]string{e.Code, e.Description}, e.Errors...)...)
	}
	var tr TokenResponse
	if err := json.NewDecoder(io.LimitReader(resp.Body, upstream.MaxJSONBytes)).Decode(&tr); err != nil {
		return "", t.c.Unreadable(OpToken, resp, err)
	}
	tr.AccessToken = strings.TrimSpace(tr.AccessToken)
	if tr.AccessToken == "" || (tr.TokenType != "" && !strings.EqualFold(tr.TokenType, "bearer")) {
		return "", t.c.Error(OpToken, resp, "the answer holds no bearer token (token_type "+upstream.Clip(tr.TokenType)+")", nil)
	}
	t.store(tr.AccessToken, time.Duration(tr.ExpiresIn)*time.Second)
	return tr.AccessToken, nil
}

// store caches token for a little less than its lifetime.
func (t *tokens) store(token string, life time.Duration) {
	if life <= 0 {
		life = DefaultTokenLifetime
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.token = token
	t.refreshAt = t.c.Now().Add(life - min(maxRefreshMargin, life/10))
}
