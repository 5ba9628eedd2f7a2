package upstream

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/ratelimit"
)

// DefaultTimeout bounds every request of a client whose Endpoint has no
// HTTPClient.
const DefaultTimeout = 30 * time.Second

// Endpoint is where a provider's client finds its upstream and how it
// reaches it: the part of the Config every client has.
type Endpoint struct {
	// BaseURL is the API root, the part before the paths the client
	// appends; surrounding spaces and trailing slashes do not count.
	BaseURL string
	// HTTPClient makes every request; nil means one with DefaultTimeout.
	HTTPClient *http.Client
	// Now is the clock of verified_at, token expiry and Retry-After; nil
	// means time.Now.
	Now func() time.Time
}

// Conn is what a provider's client reaches its upstream with: an Endpoint
// with its defaults, and the provider's name for its errors. A client
// embeds it.
type Conn struct {
	Provider string
	// Base is the BaseURL without surrounding spaces and trailing slashes.
	Base string
	HTTP *http.Client
	Now  func() time.Time
}

// Conn returns e with its defaults, for the client of provider.
func (e Endpoint) Conn(provider string) Conn {
	c := Conn{Provider: provider, Base: strings.TrimRight(strings.TrimSpace(e.BaseURL), "/"), HTTP: e.HTTPClient, Now: e.Now}
	if c.HTTP == nil {
		c.HTTP = &http.Client{Timeout: DefaultTimeout}
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// NewRequest returns the request of op to Base+path. A base URL that makes
// no URL comes back as a *bulkverify.UpstreamError naming the variable
// that sets it.
func (c Conn) NewRequest(ctx context.Context, op, method, path string, body io.Reader) (*http.Request, error) {
	// The operation names the request in the rate limiter's duration
	// histogram.
	req, err := http.NewRequestWithContext(ratelimit.WithOperation(ctx, op), method, c.Base+path, body)
	if err != nil {
		reason := "bad request URL, check " + bulkverify.EnvPrefix(c.Provider) + "BASE_URL"
		return nil, &bulkverify.UpstreamError{Provider: c.Provider, Op: op, Reason: reason, Err: err}
	}
	return req, nil
}

// Do sends req, the request of op, with HTTP. No answer comes back as a
// *bulkverify.UpstreamError whose URL has no query: a pre-signed link's
// query is a credential.
func (c Conn) Do(op string, req *http.Request) (*http.Response, error) {
	resp, err := c.HTTP.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			scrubbed := *ue
			scrubbed.URL = withoutQuery(ue.URL)
			err = &scrubbed
		}
		return nil, c.Error(op, nil, "no answer", err)
	}
	return resp, nil
}

// Error returns the *bulkverify.UpstreamError of op that got resp (nil
// for no answer) and failed for reason, caused by err.
func (c Conn) Error(op string, resp *http.Response, reason string, err error) *bulkverify.UpstreamError {
	ue := &bulkverify.UpstreamError{Provider: c.Provider, Op: op, Reason: reason, Err: err}
	if resp != nil {
		ue.StatusCode = resp.StatusCode
	}
	return ue
}

// Unreadable returns the *bulkverify.UpstreamError of an answer to op that
// the client cannot read.
func (c Conn) Unreadable(op string, resp *http.Response, err error) *bulkverify.UpstreamError {
	return c.Error(op, resp, "unreadable answer", err)
}

// Transient returns the *bulkverify.UpstreamError of an error answer to
// op that may succeed later, with the delay its Retry-After asks for.
func (c Conn) Transient(op string, resp *http.Response, reason string) *bulkverify.UpstreamError {
	ue := c.Error(op, resp, reason, nil)
	ue.Wait = ParseRetryAfter(resp.Header.Get("Retry-After"), c.Now())
	return ue
}

// Stamp returns the time now in UTC, as RFC 3339: a result's VerifiedAt.
func (c Conn) Stamp() string { return c.Now().UTC().Format(time.RFC3339) }

// withoutQuery returns raw without its query and fragment.
func withoutQuery(raw string) string {
	raw, _, _ = strings.Cut(raw, "#")
	raw, _, _ = strings.Cut(raw, "?")
	return raw
}
