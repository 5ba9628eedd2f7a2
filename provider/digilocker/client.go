// Package digilocker verifies documents in a user's DigiLocker through the
// Requester API 1.12 (seed 003), and simulates that API for tests and dev.
package digilocker

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/claims"
	"github.com/bulkverify/bulkverify/provider"
	"github.com/bulkverify/bulkverify/provider/digilocker/certxml"
	"github.com/bulkverify/bulkverify/provider/upstream"
)

// Config configures a Client. Its Endpoint's BaseURL is the API root, the
// part before /oauth2/..., e.g. https://api.digitallocker.gov.in/public.
type Config struct {
	upstream.Endpoint
	// ClientSecret keys the hmac header of downloaded files and, with
	// ClientID, authenticates the refresh grant.
	ClientSecret string
	// ClientID, when set, lets a row's refresh_token refresh its expired
	// access token (BV_DIGILOCKER_CLIENT_ID).
	ClientID string
	// XMLCert, when set, checks the enveloped signature of every
	// certificate XML: unsigned or badly signed is INTEGRITY_FAILED
	// (BV_DIGILOCKER_XML_CERT).
	XMLCert *certxml.Verifier
	// Judge compares the claims with the document.
	Judge claims.Judge
	// MaxFileBytes bounds a downloaded file; 0 means
	// upstream.DefaultMaxFileBytes.
	MaxFileBytes int64
}

// Client verifies rows against DigiLocker. It is safe for concurrent use.
type Client struct {
	upstream.Conn
	secret     []byte
	clientID   string
	xmlCert    *certxml.Verifier
	claimJudge claims.Judge
	maxFile    int64
}

// New returns a Client for cfg, with defaults for its zero fields.
func New(cfg Config) *Client {
	c := &Client{Conn: cfg.Endpoint.Conn(Spec.Name), secret: []byte(cfg.ClientSecret), clientID: strings.TrimSpace(cfg.ClientID),
		xmlCert: cfg.XMLCert, claimJudge: cfg.Judge, maxFile: cfg.MaxFileBytes}
	if c.maxFile <= 0 {
		c.maxFile = upstream.DefaultMaxFileBytes
	}
	if c.claimJudge.Now == nil {
		c.claimJudge.Now = c.Now
	}
	return c
}

// Verify checks the document row names in the user's DigiLocker: the
// issued document of the row's uri or doctype, downloaded and checked
// against its hmac header; then, when the row claims a document number,
// name, date of birth or gender, each claim against the best evidence:
// the document's certificate XML, the e-Aadhaar XML for an Aadhaar, else
// the uri and the account's profile (asked once per access token in a
// chunk). An access token DigiLocker refuses is refreshed once with the
// row's refresh_token when BV_DIGILOCKER_CLIENT_ID is set. It returns
//   - VERIFIED/OK, with the document's evidence and the claim columns;
//   - NOT_VERIFIED with DOCUMENT_NOT_FOUND, INTEGRITY_FAILED,
//     DOCUMENT_REVOKED, DOCUMENT_EXPIRED, DOCUMENT_NUMBER_MISMATCH,
//     NAME_MISMATCH, DOB_MISMATCH, GENDER_MISMATCH, CLAIM_UNVERIFIABLE,
//     AADHAAR_NOT_LINKED or AADHAAR_NOT_AVAILABLE;
//   - FAILED with INVALID_ROW, TOKEN_INVALID, CONSENT_REQUIRED or
//     UPSTREAM_REJECTED, none retryable;
//   - or a *bulkverify.UpstreamError for an answer Classify calls transient
//     (429, 5xx, repository_service_*, ...) or no answer at all.
//
// The access and refresh tokens never appear in a message or error.
func (c *Client) Verify(ctx context.Context, row bulkverify.Row) (bulkverify.Result, error) {
	s := c.session(row)
	res, err := upstream.Verify(Spec, row, []string{s.token, s.refresh, string(c.secret)}, func() (bulkverify.Result, error) {
		return c.verify(ctx, s)
	})
	res.TokenRefreshed = s.refreshed
	return upstream.RedactAnswer(res, err, s.newToken)
}

func (c *Client) verify(ctx context.Context, s *session) (bulkverify.Result, error) {
	doc, stop, err := c.findDocument(ctx, s)
	if stop != nil || err != nil {
		return upstream.Deref(stop), err
	}
	res, err := c.checkFile(ctx, s, doc)
	if err != nil || res.Status != bulkverify.StatusVerified || !s.row.Claims() {
		return res, err
	}
	ev, stop, err := c.evidence(ctx, s, doc)
	if err != nil {
		return bulkverify.Result{}, err
	}
	if stop != nil {
		// The file was checked: its evidence stays with the row.
		stop.SHA256, stop.Size, stop.MIME, stop.VerifiedAt = res.SHA256, res.Size, res.MIME, res.VerifiedAt
		return *stop, nil
	}
	return c.claimJudge.Apply(s.row, res, ev), nil
}

// findDocument lists the issued documents and picks the row's. It returns
// a result only when the row stops here.
func (c *Client) findDocument(ctx context.Context, s *session) (IssuedFile, *bulkverify.Result, error) {
	var list IssuedFiles
	if stop, err := s.getJSON(ctx, OpIssued, "/oauth2/2/files/issued", &list); stop != nil || err != nil {
		return IssuedFile{}, stop, err
	}
	doc, problem := pick(list.Items, s.row.Get("doctype"), s.row.Get("uri"))
	if problem != "" {
		r := bulkverify.NotVerified(s.row, bulkverify.CodeDocumentNotFound, problem)
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
	cfg := Config{Endpoint: s.Endpoint(hc), ClientSecret: s.Get("CLIENT_SECRET"), ClientID: s.Get("CLIENT_ID")}
	if pem := s.Get("XML_CERT"); strings.TrimSpace(pem) != "" {
		v, err := certxml.NewVerifier(readPEM(pem))
		if err != nil {
			return nil, fmt.Errorf("BV_DIGILOCKER_XML_CERT: %w", err)
		}
		cfg.XMLCert = v
	}
	threshold, err := nameThreshold(s.Get(NameThresholdSetting))
	if err != nil {
		return nil, err
	}
	cfg.Judge.NameThreshold = threshold
	return New(cfg), nil
}
