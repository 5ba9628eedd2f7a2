// Package sila verifies that a Sila user has uploaded the KYC documents a
// row names, through POST /0.2/list_documents (seed 001), and simulates that
// endpoint for tests and dev.
package sila

import (
	"context"
	"net/http"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider"
	"github.com/bulkverify/bulkverify/provider/upstream"
)

// Limits.
const (
	// PerPage is the page size the adapter asks for: Sila's maximum.
	PerPage = 100
	// DefaultMaxPages bounds the pages read for one row, against a server
	// that never stops saying there is another.
	DefaultMaxPages = 1000
	// Issuer is the issuer of every Sila result.
	Issuer = "Sila"
)

// Config configures a Client. Its Endpoint's BaseURL is the API root, the
// part before /0.2/..., e.g. https://sandbox.silamoney.com; its clock also
// stamps header.created.
type Config struct {
	upstream.Endpoint
	// AccessToken is the app's bearer token (BV_SILA_ACCESS_TOKEN).
	AccessToken string
	// AppHandle is the app's handle, sent as header.app_handle.
	AppHandle string
}

// Client verifies rows against Sila. It is safe for concurrent use.
type Client struct {
	upstream.Conn
	token, app upstream.Setting // the access token and app handle
	maxPages   int
}

// New returns a Client for cfg, with defaults for its zero fields.
func New(cfg Config) *Client {
	return &Client{
		Conn:     cfg.Endpoint.Conn(Spec.Name),
		token:    upstream.NewSetting("Sila access token", "BV_SILA_ACCESS_TOKEN", cfg.AccessToken),
		app:      upstream.NewSetting("Sila app handle", "BV_SILA_APP_HANDLE", cfg.AppHandle),
		maxPages: DefaultMaxPages,
	}
}

// Verify lists the documents of the row's user_handle, within the row's
// start_date, end_date and search, page by page, and checks that each of
// the row's doc_types has one. It returns
//   - VERIFIED/OK, with the newest document (by created) of each type as
//     evidence; a listed document whose user_handle is not the row's
//     does not count;
//   - NOT_VERIFIED with DOCUMENT_NOT_FOUND or USER_NOT_FOUND;
//   - FAILED with INVALID_ROW, TOKEN_INVALID or UPSTREAM_REJECTED, none
//     retryable;
//   - or a *bulkverify.UpstreamError for an answer Classify calls transient
//     (429, 5xx, ...) or no answer at all.
//
// The access token never appears in a message or error.
func (c *Client) Verify(ctx context.Context, row bulkverify.Row) (bulkverify.Result, error) {
	return upstream.Verify(Spec, row, []string{c.token.Value}, func() (bulkverify.Result, error) { return c.verify(ctx, row) })
}

func (c *Client) verify(ctx context.Context, row bulkverify.Row) (bulkverify.Result, error) {
	if res, unset := upstream.Unset(row, c.token, c.app); unset {
		return res, nil
	}
	q := queryOf(row)
	l, stop, err := c.listAll(ctx, row, q)
	if stop != nil || err != nil {
		return upstream.Deref(stop), err
	}
	return c.judge(row, q, l), nil
}

// newVerifier is Provider.New: a Client of the settings s whose requests
// hc sends. Returning it as a bulkverify.Verifier asserts that it is one.
func newVerifier(s provider.Settings, hc *http.Client) (bulkverify.Verifier, error) {
	return New(Config{Endpoint: s.Endpoint(hc), AccessToken: s.Get("ACCESS_TOKEN"), AppHandle: s.Get("APP_HANDLE")}), nil
}
