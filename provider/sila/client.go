// Package sila verifies that a Sila user has uploaded the KYC documents a
// row names, through POST /0.2/list_documents (seed 001), and simulates that
// endpoint for tests and dev.
package sila

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/upstream"
)

// Defaults and limits.
const (
	DefaultTimeout = 30 * time.Second
	// PerPage is the page size the adapter asks for: Sila's maximum.
	PerPage = 100
	// DefaultMaxPages bounds the pages read for one row, against a server
	// that never stops saying there is another.
	DefaultMaxPages = 1000
	// Issuer is the issuer of every Sila result.
	Issuer = "Sila"
)

// Config configures a Client.
type Config struct {
	// BaseURL is the API root, the part before /0.2/..., e.g.
	// https://sandbox.silamoney.com.
	BaseURL string
	// AccessToken is the app's bearer token (BV_SILA_ACCESS_TOKEN).
	AccessToken string
	// AppHandle is the app's handle, sent as header.app_handle.
	AppHandle string
	// HTTPClient makes every request; nil means one with DefaultTimeout.
	HTTPClient *http.Client
	// Now is the clock for header.created, verified_at and Retry-After;
	// nil means time.Now.
	Now func() time.Time
}

// Client verifies rows against Sila. It is safe for concurrent use.
type Client struct {
	base      string
	token     string
	appHandle string
	http      *http.Client
	now       func() time.Time
	maxPages  int
}

var _ bulkverify.Verifier = (*Client)(nil)

// New returns a Client for cfg, with defaults for its zero fields.
func New(cfg Config) *Client {
	c := &Client{
		base:      upstream.BaseURL(cfg.BaseURL),
		token:     strings.TrimSpace(cfg.AccessToken),
		appHandle: strings.TrimSpace(cfg.AppHandle),
		http:      upstream.HTTPClient(cfg.HTTPClient, DefaultTimeout),
		now:       upstream.Clock(cfg.Now),
		maxPages:  DefaultMaxPages,
	}
	return c
}

// Verify lists the documents of the row's user_handle, within the row's
// start_date, end_date and search, page by page, and checks that each of
// the row's doc_types has one. It returns
//   - VERIFIED/OK, with the first document (by created) of each type as
//     evidence;
//   - NOT_VERIFIED with DOCUMENT_NOT_FOUND or USER_NOT_FOUND;
//   - FAILED with INVALID_ROW, TOKEN_INVALID or UPSTREAM_REJECTED, none
//     retryable;
//   - or a *bulkverify.UpstreamError for an answer Classify calls transient
//     (429, 5xx, ...) or no answer at all.
//
// The access token never appears in a message or error.
func (c *Client) Verify(ctx context.Context, row bulkverify.Row) (bulkverify.Result, error) {
	res, err := c.verify(ctx, row)
	return upstream.RedactAnswer(res, err, c.token)
}

func (c *Client) verify(ctx context.Context, row bulkverify.Row) (bulkverify.Result, error) {
	if problem := Spec.Validate(row); problem != "" {
		return bulkverify.Failed(row, bulkverify.CodeInvalidRow, problem+": correct the row and submit it again", false), nil
	}
	if problem := c.configProblem(); problem != "" {
		return bulkverify.Failed(row, bulkverify.CodeTokenInvalid, problem, false), nil
	}
	q := queryOf(row)
	l, stop, err := c.listAll(ctx, row, q)
	if stop != nil || err != nil {
		return upstream.Deref(stop), err
	}
	return c.judge(row, q, l), nil
}

// configProblem says what is missing from the configuration, or "".
func (c *Client) configProblem() string {
	switch {
	case c.token == "":
		return "no Sila access token is configured: set BV_SILA_ACCESS_TOKEN, then submit the row again"
	case c.appHandle == "":
		return "no Sila app handle is configured: set BV_SILA_APP_HANDLE, then submit the row again"
	}
	return ""
}
