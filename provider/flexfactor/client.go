// Package flexfactor verifies the documents of a FlexFactor onboarding
// application through its "List of documents" API (seed 004), and
// simulates that API for tests and dev.
package flexfactor

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider"
	"github.com/bulkverify/bulkverify/provider/upstream"
)

// Issuer is the evidence's issuer of every verified row.
const Issuer = "FlexFactor"

// Config configures a Client. Its Endpoint's BaseURL is the API root, the
// part before /oauth2/token and /v1/..., e.g.
// https://api-sandbox.flexfactor.com; its HTTPClient makes every request:
// token, list and downloads; its clock also tells token expiry.
type Config struct {
	upstream.Endpoint
	// ClientID and ClientSecret are the OAuth2 client credentials, sent to
	// /oauth2/token as HTTP Basic auth (client_secret_basic).
	ClientID, ClientSecret string
	// DownloadHosts are the hosts ("host" or "host:port") a downloadUrl may
	// point at; a host without a port is allowed on any port. Empty means
	// the BaseURL's host.
	DownloadHosts []string
	// MaxFileBytes bounds a downloaded file; 0 means
	// upstream.DefaultMaxFileBytes.
	MaxFileBytes int64
}

// Client verifies rows against FlexFactor. It is safe for concurrent use;
// its rows share one access token.
type Client struct {
	upstream.Conn               // token and list requests
	files         upstream.Conn // downloads: the same transport, redirects checked
	clientID      string
	secret        string
	hosts         []string
	maxFile       int64
	tokens        *tokens
}

// New returns a Client for cfg, with defaults for its zero fields.
func New(cfg Config) *Client {
	c := &Client{Conn: cfg.Endpoint.Conn(Spec.Name), clientID: cfg.ClientID, secret: cfg.ClientSecret, maxFile: cfg.MaxFileBytes}
	if c.maxFile <= 0 {
		c.maxFile = upstream.DefaultMaxFileBytes
	}
	c.hosts = normalizeHosts(cfg.DownloadHosts)
	if len(c.hosts) == 0 {
		if u, err := url.Parse(c.Base); err == nil && u.Host != "" {
			c.hosts = normalizeHosts([]string{u.Host})
		}
	}
	files := *c.HTTP
	files.CheckRedirect = c.checkRedirect(c.HTTP.CheckRedirect)
	c.files = c.Conn
	c.files.HTTP = &files
	c.tokens = &tokens{c: c}
	return c
}

// job is one Verify call: its row, what the row asks for, and the access
// tokens it used, which never appear in what Verify returns.
type job struct {
	row  bulkverify.Row
	app  string
	want []string
	used []string
}

// Verify checks that the row's application holds a document of each of the
// row's document_types, and downloads each from its pre-signed link to
// check its size and type against the listing. It returns
//   - VERIFIED/OK, with every document's evidence joined by "|";
//   - NOT_VERIFIED with APPLICATION_NOT_FOUND, DOCUMENT_NOT_FOUND,
//     UNTRUSTED_DOWNLOAD_URL or INTEGRITY_FAILED;
//   - FAILED with INVALID_ROW, TOKEN_INVALID or UPSTREAM_REJECTED, none
//     retryable;
//   - or a *bulkverify.UpstreamError for an answer Classify calls transient
//     (429, 5xx, a link refused again after re-listing) or no answer.
//
// A 401 from the API makes it fetch a new token once; an expired download
// link makes it list the documents again once. Neither the client secret
// nor a token appears in a message or error.
func (c *Client) Verify(ctx context.Context, row bulkverify.Row) (bulkverify.Result, error) {
	j := &job{row: row}
	res, err := c.verify(ctx, j)
	return upstream.RedactAnswer(res, err, append([]string{c.secret}, j.used...)...)
}

func (c *Client) verify(ctx context.Context, j *job) (bulkverify.Result, error) {
	if problem := Spec.Validate(j.row); problem != "" {
		return bulkverify.Failed(j.row, bulkverify.CodeInvalidRow, problem+": correct the row and submit it again", false), nil
	}
	j.app = j.row.Get("application_id")
	j.want = distinct(bulkverify.SplitList(j.row.Get("document_types")))
	docs, stop, err := c.findDocuments(ctx, j)
	if stop != nil || err != nil {
		return upstream.Deref(stop), err
	}
	files := make([]file, 0, len(docs))
	relisted := false
	for len(files) < len(docs) {
		doc := docs[len(files)]
		f, err := c.download(ctx, doc)
		var ref *refusal
		if errors.As(err, &ref) && ref.expired() && !relisted {
			relisted = true
			fresh, stop, err := c.findDocuments(ctx, j)
			if stop != nil || err != nil {
				return upstream.Deref(stop), err
			}
			files = files[:sameDocuments(docs, fresh, len(files))]
			docs = fresh
			continue
		}
		if stop, err := c.downloadFailed(j, doc, err); stop != nil || err != nil {
			return upstream.Deref(stop), err
		}
		if problems := f.check(doc); len(problems) > 0 {
			return integrityFailed(j, doc, f, problems), nil
		}
		files = append(files, f)
	}
	return c.verified(j, docs, files), nil
}

// verified returns the VERIFIED result of docs and their files.
func (c *Client) verified(j *job, docs []Document, files []file) bulkverify.Result {
	var ids, sums, sizes, types []string
	for i, d := range docs {
		ids = append(ids, d.DocumentID)
		sums = append(sums, files[i].sha256)
		sizes = append(sizes, fmt.Sprint(files[i].size))
		types = append(types, d.FileType)
	}
	r := bulkverify.Verified(j.row, fmt.Sprintf("FlexFactor application %q holds %s; every file has its listed size and type",
		j.app, strings.Join(j.want, ", ")))
	r.DocumentType = strings.Join(j.want, "|")
	r.DocumentID = strings.Join(ids, "|")
	r.Issuer = Issuer
	r.SHA256 = strings.Join(sums, "|")
	r.Size = strings.Join(sizes, "|")
	r.MIME = strings.Join(types, "|")
	r.VerifiedAt = c.Stamp()
	return r
}

// normalizeHosts lower-cases hosts and drops empty ones and trailing dots.
func normalizeHosts(hosts []string) []string {
	var out []string
	for _, h := range hosts {
		h = strings.ToLower(strings.TrimSpace(h))
		if host, port, err := net.SplitHostPort(h); err == nil {
			h = net.JoinHostPort(strings.TrimSuffix(host, "."), port)
		} else {
			h = strings.TrimSuffix(strings.Trim(h, "[]"), ".")
		}
		if h != "" {
			out = append(out, h)
		}
	}
	return out
}

// distinct returns items without repeats, in order.
func distinct(items []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, it := range items {
		if !seen[it] {
			seen[it] = true
			out = append(out, it)
		}
	}
	return out
}

// newVerifier is Provider.New: a Client of the settings s whose requests
// hc sends. Returning it as a bulkverify.Verifier asserts that it is one.
func newVerifier(s provider.Settings, hc *http.Client) (bulkverify.Verifier, error) {
	return New(Config{Endpoint: s.Endpoint(hc), ClientID: s.Get("CLIENT_ID"), ClientSecret: s.Get("CLIENT_SECRET"), DownloadHosts: s.List("DOWNLOAD_HOSTS")}), nil
}
