// Package deepvue verifies that a person's DigiLocker, reached through
// Deepvue's DigiLocker wrapper, holds the document a row names, through
// POST /v1/kyc/digilocker/issued-files (seed 000), and simulates that
// endpoint for tests and dev.
package deepvue

import (
	"context"
	"net/http"
	"strings"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider"
	"github.com/bulkverify/bulkverify/provider/upstream"
)

// DefaultPurpose is the purpose sent for a row without one when
// Config.Purpose is empty.
const DefaultPurpose = "Verification of documents issued in DigiLocker"

// Config configures a Client. Its Endpoint's BaseURL is the API root, the
// part before /v1/..., e.g. https://production.deepvue.tech
// (BV_DEEPVUE_BASE_URL).
type Config struct {
	upstream.Endpoint
	// ClientID is sent as the client-id header (BV_DEEPVUE_CLIENT_ID).
	ClientID string
	// ClientSecret is the API key, sent as the x-api-key header
	// (BV_DEEPVUE_CLIENT_SECRET). It never appears in a result or error.
	ClientSecret string
	// Purpose is sent for a row without a purpose (BV_DEEPVUE_PURPOSE);
	// "" means DefaultPurpose.
	Purpose string
}

// Client verifies rows against Deepvue. It is safe for concurrent use.
type Client struct {
	upstream.Conn
	id, key upstream.Setting // sent as client-id and x-api-key
	purpose string
}

// New returns a Client for cfg, with defaults for its zero fields.
func New(cfg Config) *Client {
	c := &Client{
		Conn:    cfg.Endpoint.Conn(Spec.Name),
		id:      upstream.NewSetting("Deepvue client id", "BV_DEEPVUE_CLIENT_ID", cfg.ClientID),
		key:     upstream.NewSetting("Deepvue API key", "BV_DEEPVUE_CLIENT_SECRET", cfg.ClientSecret),
		purpose: strings.TrimSpace(cfg.Purpose),
	}
	if c.purpose == "" {
		c.purpose = DefaultPurpose
	}
	return c
}

// Verify lists the issued documents of the row's DigiLocker session and
// checks that one has the row's doctype. It returns
//   - VERIFIED/OK, with the document's doctype, uri, issuer, size and mime
//     as evidence and its name and date in the message;
//   - NOT_VERIFIED/DOCUMENT_NOT_FOUND;
//   - FAILED with CONSENT_REQUIRED (consent other than Y: Deepvue is not
//     called), INVALID_ROW, SESSION_EXPIRED, TOKEN_INVALID or
//     UPSTREAM_REJECTED, none retryable;
//   - or a *bulkverify.UpstreamError for an answer Classify calls transient
//     (429, 5xx, "Failed at bank", ...) or no answer at all.
//
// The API key never appears in a message or error.
func (c *Client) Verify(ctx context.Context, row bulkverify.Row) (bulkverify.Result, error) {
	return upstream.Verify(Spec, row, []string{c.key.Value}, func() (bulkverify.Result, error) { return c.verify(ctx, row) })
}

func (c *Client) verify(ctx context.Context, row bulkverify.Row) (bulkverify.Result, error) {
	if consent := row.Get(ColConsent); !Consented(consent) {
		return bulkverify.Failed(row, bulkverify.CodeConsentRequired, "consent is "+quote(consent)+
			", not Y: Deepvue lists a person's DigiLocker documents only with their consent; record it and submit the row with consent Y", false), nil
	}
	if res, unset := upstream.Unset(row, c.id, c.key); unset {
		return res, nil
	}
	files, stop, err := c.list(ctx, row, c.requestOf(row))
	if stop != nil || err != nil {
		return upstream.Deref(stop), err
	}
	return c.judge(row, files), nil
}

// requestOf returns the body for row: consent Y, the row's purpose or the
// configured one.
func (c *Client) requestOf(row bulkverify.Row) Request {
	purpose := row.Get(ColPurpose)
	if purpose == "" {
		purpose = c.purpose
	}
	return Request{Consent: "Y", Purpose: purpose, TransactionID: row.Get(ColTransactionID)}
}

// quote returns s in double quotes, clipped and printable.
func quote(s string) string { return `"` + upstream.Clip(s) + `"` }

// newVerifier is Provider.New: a Client of the settings s whose requests
// hc sends. Returning it as a bulkverify.Verifier asserts that it is one.
func newVerifier(s provider.Settings, hc *http.Client) (bulkverify.Verifier, error) {
	return New(Config{Endpoint: s.Endpoint(hc), ClientID: s.Get("CLIENT_ID"), ClientSecret: s.Get("CLIENT_SECRET"), Purpose: s.Get("PURPOSE")}), nil
}
