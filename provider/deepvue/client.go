// Package deepvue verifies that a person's DigiLocker, reached through
// Deepvue's DigiLocker wrapper, holds the document a row names, through
// POST /v1/kyc/digilocker/issued-files (seed 000), and simulates that
// endpoint for tests and dev.
package deepvue

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/upstream"
)

// Defaults for Config's zero fields.
const (
	DefaultTimeout = 30 * time.Second
	// DefaultPurpose is the purpose sent for a row without one when
	// Config.Purpose is empty.
	DefaultPurpose = "Verification of documents issued in DigiLocker"
)

// Config configures a Client.
type Config struct {
	// BaseURL is the API root, the part before /v1/..., e.g.
	// https://production.deepvue.tech (BV_DEEPVUE_BASE_URL).
	BaseURL string
	// ClientID is sent as the client-id header (BV_DEEPVUE_CLIENT_ID).
	ClientID string
	// ClientSecret is the API key, sent as the x-api-key header
	// (BV_DEEPVUE_CLIENT_SECRET). It never appears in a result or error.
	ClientSecret string
	// Purpose is sent for a row without a purpose (BV_DEEPVUE_PURPOSE);
	// "" means DefaultPurpose.
	Purpose string
	// HTTPClient makes every request; nil means one with DefaultTimeout.
	HTTPClient *http.Client
	// Now is the clock for verified_at and Retry-After; nil means time.Now.
	Now func() time.Time
}

// Client verifies rows against Deepvue. It is safe for concurrent use.
type Client struct {
	base     string
	clientID string
	secret   string
	purpose  string
	http     *http.Client
	now      func() time.Time
}

var _ bulkverify.Verifier = (*Client)(nil)

// New returns a Client for cfg, with defaults for its zero fields.
func New(cfg Config) *Client {
	c := &Client{
		base:     upstream.BaseURL(cfg.BaseURL),
		clientID: strings.TrimSpace(cfg.ClientID),
		secret:   strings.TrimSpace(cfg.ClientSecret),
		purpose:  strings.TrimSpace(cfg.Purpose),
		http:     upstream.HTTPClient(cfg.HTTPClient, DefaultTimeout),
		now:      upstream.Clock(cfg.Now),
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
	res, err := c.verify(ctx, row)
	return upstream.RedactAnswer(res, err, c.secret)
}

func (c *Client) verify(ctx context.Context, row bulkverify.Row) (bulkverify.Result, error) {
	if problem := Spec.Validate(row); problem != "" {
		return bulkverify.Failed(row, bulkverify.CodeInvalidRow, problem+": correct the row and submit it again", false), nil
	}
	if consent := row.Get(ColConsent); !Consented(consent) {
		return bulkverify.Failed(row, bulkverify.CodeConsentRequired, "consent is "+quote(consent)+
			", not Y: Deepvue lists a person's DigiLocker documents only with their consent; record it and submit the row with consent Y", false), nil
	}
	if problem := c.configProblem(); problem != "" {
		return bulkverify.Failed(row, bulkverify.CodeTokenInvalid, problem, false), nil
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

// configProblem says what is missing from the configuration, or "".
func (c *Client) configProblem() string {
	switch {
	case c.clientID == "":
		return "no Deepvue client id is configured: set BV_DEEPVUE_CLIENT_ID, then submit the row again"
	case c.secret == "":
		return "no Deepvue API key is configured: set BV_DEEPVUE_CLIENT_SECRET, then submit the row again"
	}
	return ""
}

// quote returns s in double quotes, clipped and printable.
func quote(s string) string { return `"` + upstream.Clip(s) + `"` }
