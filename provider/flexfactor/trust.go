package flexfactor

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// untrustedURL is a redirect of a download to a link the adapter does not
// trust.
type untrustedURL struct{ problem string }

func (e *untrustedURL) Error() string { return "redirected to a link that " + e.problem }

// untrusted returns why the adapter will not download raw, or "": it must
// be an absolute http or https URL without user info on an allowed host.
// The problem names the scheme and host, never the query, which is a
// credential of a pre-signed link.
func (c *Client) untrusted(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	switch {
	case err != nil || raw == "":
		return "is not a URL"
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Sprintf("uses the scheme %q; only http and https links are downloaded", u.Scheme)
	case u.Host == "":
		return "names no host"
	case u.User != nil:
		return "carries user info"
	case !c.allowedHost(u):
		return fmt.Sprintf("is on host %s, which is not among the allowed download hosts (%s)", u.Host, strings.Join(c.hosts, ", "))
	}
	return ""
}

// allowedHost reports whether u's host is one of c.hosts: by name and port
// for an entry with a port, by name alone otherwise.
func (c *Client) allowedHost(u *url.URL) bool {
	name := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	return slices.ContainsFunc(c.hosts, func(h string) bool {
		if hn, hp, err := net.SplitHostPort(h); err == nil {
			return hn == name && hp == port
		}
		return h == name
	})
}

// checkRedirect refuses a download redirected to an untrusted link, then
// applies next, the caller's policy, or else Go's limit of 10 redirects.
func (c *Client) checkRedirect(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if problem := c.untrusted(req.URL.String()); problem != "" {
			return &untrustedURL{problem}
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
}
