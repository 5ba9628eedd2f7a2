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
// checks that one has the row's doctype and, when the row gives a
// document_number, that the document id part of its uri is that number.
// It returns
//   - VERIFIED/OK, with the document's doctype, uri, issuer, size and mime
//     as evidence and its name and date in the message;
//   - NOT_VERIFIED with DOCUMENT_NOT_FOUND, DOCUMENT_NUMBER_MISMATCH or
//     CLAIM_UNVERIFIABLE (the uri has no document id part);
//   - FAILED with CONSENT_REQUIRED (consent other than Y, or empty:
//     Deepvue is not called), INVALID_ROW, SESSION_EXPIRED, TOKEN_INVALID
//     or UPSTREAM_REJECTED, none retryable;
//   - or a *bulkverify.UpstreamError for an answer Classify calls transient
//     (429, 5xx, "Failed at bank", ...) or no answer at all.
//
// Every result carries the row's consent, the purpose sent for it (or
// that would have been) and Deepvue's transaction_id of the answer it
// rests on, if any. Rows of one DigiLocker session that ask the same thing
// (another doctype, another claim) share one request per chunk when ctx
// carries a bulkverify.Memo. The API key never appears in a result or
// error.
func (c *Client) Verify(ctx context.Context, row bulkverify.Row) (bulkverify.Result, error) {
	res, err := upstream.Verify(Spec, row, []string{c.key.Value}, func() (bulkverify.Result, error) { return c.verify(ctx, row) })
	if err != nil {
		return res, err
	}
	return c.Annotate(row, res), nil
}

// Annotate returns res, a result of row, with what Deepvue rows carry: the
// row's consent, the purpose sent for it (or that would have been) and
// Deepvue's transaction_id, which res may hold already, without the API
// key. Verify annotates every result it returns; a result built without
// the client (a row given up after retries, a cancelled one) is annotated
// by its builder calling Annotate.
func (c *Client) Annotate(row bulkverify.Row, res bulkverify.Result) bulkverify.Result {
	res.Consent, res.Purpose = row.Get(ColConsent), c.purposeOf(row)
	res.TransactionID = upstream.Redact(res.TransactionID, c.key.Value)
	return res
}

func (c *Client) verify(ctx context.Context, row bulkverify.Row) (bulkverify.Result, error) {
	if consent := row.Get(ColConsent); !Consented(consent) {
		return bulkverify.Failed(row, bulkverify.CodeConsentRequired, consentMessage(consent), false), nil
	}
	if res, unset := upstream.Unset(row, c.id, c.key); unset {
		return res, nil
	}
	a, err := c.ask(ctx, c.requestOf(row))
	if err != nil {
		return bulkverify.Result{}, err
	}
	var res bulkverify.Result
	if a.refused {
		res = a.outcome.Result(row, a.message)
	} else {
		res = c.judge(row, a.files)
	}
	res.TransactionID = a.txn
	return res, nil
}

// ask returns Deepvue's answer to req. With a bulkverify.Memo in ctx, the
// rows of a chunk that send the same request share one answer: the
// request names no doctype or claim, and Deepvue may refuse a transaction
// id it has seen (DUPLICATE_REQUEST).
func (c *Client) ask(ctx context.Context, req Request) (answer, error) {
	key := "deepvue issued-files " + req.TransactionID + "\x00" + req.Purpose
	v, err := bulkverify.MemoFrom(ctx).Do(ctx, key, func() (any, error) { return c.list(ctx, req) })
	if err != nil {
		return answer{}, err
	}
	return v.(answer), nil
}

// consentMessage says why a row without consent Y is not sent.
func consentMessage(consent string) string {
	got := "empty"
	if consent != "" {
		got = quote(consent)
	}
	return "consent is " + got + ", not Y: Deepvue lists a person's DigiLocker documents only with their consent; record it and submit the row with consent Y"
}

// requestOf returns the body for row: consent Y, the purpose of purposeOf.
func (c *Client) requestOf(row bulkverify.Row) Request {
	return Request{Consent: "Y", Purpose: c.purposeOf(row), TransactionID: row.Get(ColTransactionID)}
}

// purposeOf returns the purpose sent for row: its own, or the configured
// one.
func (c *Client) purposeOf(row bulkverify.Row) string {
	if purpose := row.Get(ColPurpose); purpose != "" {
		return purpose
	}
	return c.purpose
}

// quote returns s in double quotes, clipped and printable.
func quote(s string) string { return `"` + upstream.Clip(s) + `"` }

// newVerifier is Provider.New: a Client of the settings s whose requests
// hc sends. Returning it as a bulkverify.Verifier asserts that it is one.
func newVerifier(s provider.Settings, hc *http.Client) (bulkverify.Verifier, error) {
	return New(Config{Endpoint: s.Endpoint(hc), ClientID: s.Get("CLIENT_ID"), ClientSecret: s.Get("CLIENT_SECRET"), Purpose: s.Get("PURPOSE")}), nil
}
