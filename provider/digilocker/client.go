// Package digilocker verifies documents in a user's DigiLocker through the
// Requester API 1.12 (seed 003), and simulates that API for tests and dev.
package digilocker

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider"
	"github.com/bulkverify/bulkverify/provider/upstream"
)

// Config configures a Client. Its Endpoint's BaseURL is the API root, the
// part before /oauth2/..., e.g. https://api.digitallocker.gov.in/public.
type Config struct {
	upstream.Endpoint
	// ClientSecret keys the hmac header of downloaded files.
	ClientSecret string
	// MaxFileBytes bounds a downloaded file; 0 means
	// upstream.DefaultMaxFileBytes.
	MaxFileBytes int64
}

// Client verifies rows against DigiLocker. It is safe for concurrent use.
type Client struct {
	upstream.Conn
	secret  []byte
	maxFile int64
}

// New returns a Client for cfg, with defaults for its zero fields.
func New(cfg Config) *Client {
	c := &Client{Conn: cfg.Endpoint.Conn(Spec.Name), secret: []byte(cfg.ClientSecret), maxFile: cfg.MaxFileBytes}
	if c.maxFile <= 0 {
		c.maxFile = upstream.DefaultMaxFileBytes
	}
	return c
}

// Verify checks the document row names in the user's DigiLocker: the
// account's name and dob when the row gives them, then the issued document
// of the row's uri or doctype, downloaded and checked against its hmac
// header. It returns
//   - VERIFIED/OK, with the document's evidence;
//   - NOT_VERIFIED with NAME_MISMATCH, DOB_MISMATCH, DOCUMENT_NOT_FOUND or
//     INTEGRITY_FAILED;
//   - FAILED with INVALID_ROW, TOKEN_INVALID, CONSENT_REQUIRED or
//     UPSTREAM_REJECTED, none retryable;
//   - or a *bulkverify.UpstreamError for an answer Classify calls transient
//     (429, 5xx, repository_service_*, ...) or no answer at all.
//
// The access token never appears in a message or error.
func (c *Client) Verify(ctx context.Context, row bulkverify.Row) (bulkverify.Result, error) {
	token := row.Get("access_token")
	return upstream.Verify(Spec, row, []string{token, string(c.secret)}, func() (bulkverify.Result, error) {
		return c.verify(ctx, row, token)
	})
}

func (c *Client) verify(ctx context.Context, row bulkverify.Row, token string) (bulkverify.Result, error) {
	if stop, err := c.checkUser(ctx, row, token); stop != nil || err != nil {
		return upstream.Deref(stop), err
	}
	doc, stop, err := c.findDocument(ctx, row, token)
	if stop != nil || err != nil {
		return upstream.Deref(stop), err
	}
	return c.checkFile(ctx, row, token, doc)
}

// checkUser compares the row's name and dob, when given, with the
// account's. It returns a result only when the row stops here.
func (c *Client) checkUser(ctx context.Context, row bulkverify.Row, token string) (*bulkverify.Result, error) {
	name, dob := row.Get("name"), row.Get("dob")
	if name == "" && dob == "" {
		return nil, nil
	}
	var u User
	if stop, err := c.getJSON(ctx, row, token, OpUser, "/oauth2/1/user", &u); stop != nil || err != nil {
		return stop, err
	}
	if name != "" && !NameMatches(name, u.Name) {
		r := bulkverify.NotVerified(row, bulkverify.CodeNameMismatch, fmt.Sprintf(
			"the name %q does not match the name on the DigiLocker account: check the row's spelling against the user's DigiLocker profile", name))
		return &r, nil
	}
	if dob != "" && dob != strings.TrimSpace(u.DOB) {
		r := bulkverify.NotVerified(row, bulkverify.CodeDOBMismatch, fmt.Sprintf(
			"the date of birth %s does not match the one on the DigiLocker account: check the row's dob (DDMMYYYY) against the user's DigiLocker profile", dob))
		return &r, nil
	}
	return nil, nil
}

// findDocument lists the issued documents and picks the row's. It returns
// a result only when the row stops here.
func (c *Client) findDocument(ctx context.Context, row bulkverify.Row, token string) (IssuedFile, *bulkverify.Result, error) {
	var list IssuedFiles
	if stop, err := c.getJSON(ctx, row, token, OpIssued, "/oauth2/2/files/issued", &list); stop != nil || err != nil {
		return IssuedFile{}, stop, err
	}
	doc, problem := pick(list.Items, row.Get("doctype"), row.Get("uri"))
	if problem != "" {
		r := bulkverify.NotVerified(row, bulkverify.CodeDocumentNotFound, problem)
		return IssuedFile{}, &r, nil
	}
	return doc, nil, nil
}

// pick returns the issued document of uri, when given, else the first of
// doctype; or why there is none.
func pick(items []IssuedFile, doctype, uri string) (IssuedFile, string) {
	doctype, uri = strings.TrimSpace(doctype), strings.TrimSpace(uri)
	for _, it := range items {
		switch {
		case uri != "" && it.URI == uri && !strings.EqualFold(it.DocType, doctype):
			return IssuedFile{}, fmt.Sprintf("the issued document with URI %q is a %s, not a %s: correct the row's doctype or uri and submit it again", uri, it.DocType, doctype)
		case uri != "" && it.URI == uri, uri == "" && strings.EqualFold(it.DocType, doctype):
			return it, ""
		}
	}
	held := "no issued documents"
	if types := docTypes(items); len(types) > 0 {
		held = "only " + strings.Join(types, ", ")
	}
	if uri != "" {
		return IssuedFile{}, fmt.Sprintf("the DigiLocker account has no issued document with URI %q (it holds %s): check the row's uri, or leave it empty to pick the %s by doctype", uri, held, doctype)
	}
	return IssuedFile{}, fmt.Sprintf("the DigiLocker account has no issued %s document (it holds %s): ask the user to fetch their %s into DigiLocker from its issuer, then submit the row again", doctype, held, doctype)
}

// docTypes returns the distinct doctypes of items, in order.
func docTypes(items []IssuedFile) []string {
	var types []string
	seen := map[string]bool{}
	for _, it := range items {
		if t := strings.ToUpper(it.DocType); t != "" && !seen[t] {
			seen[t] = true
			types = append(types, t)
		}
	}
	return types
}

// newVerifier is Provider.New: a Client of the settings s whose requests
// hc sends. Returning it as a bulkverify.Verifier asserts that it is one.
func newVerifier(s provider.Settings, hc *http.Client) (bulkverify.Verifier, error) {
	return New(Config{Endpoint: s.Endpoint(hc), ClientSecret: s.Get("CLIENT_SECRET")}), nil
}
