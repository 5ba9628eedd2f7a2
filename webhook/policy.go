package webhook

import (
	"context"
	"net"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/bulkverify/bulkverify"
)

// Policy decides which callback URLs may receive webhooks: https only, and
// never at a loopback, link-local or private address, unless the host is
// in AllowHosts (BV_WEBHOOK_ALLOW_HOSTS: tests, private networks). Upload
// checks it, delivery checks it again (DNS may have changed), and the
// delivery's dialer checks the address it connects to, so that a name
// that resolves differently between the check and the connection (DNS
// rebinding) cannot reach a private address either.
type Policy struct {
	AllowHosts []string
	// LookupHost resolves a host for Check; nil means the system
	// resolver.
	LookupHost func(ctx context.Context, host string) ([]string, error)
}

// Check returns nil when raw may receive webhooks, else a
// *bulkverify.Error EInvalidCallbackURL that says why.
func (p Policy) Check(ctx context.Context, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return refuse("callback_url %q is not an absolute https:// URL", cut(raw))
	}
	if u.User != nil {
		return refuse("callback_url must not carry a user or password: the webhook signature authenticates the sender")
	}
	host := u.Hostname()
	if p.Allowed(host) {
		return nil
	}
	if u.Scheme != "https" {
		return refuse("callback_url must use https (host %s is not in BV_WEBHOOK_ALLOW_HOSTS)", host)
	}
	addrs, err := p.lookupHost(ctx, host)
	if err != nil || len(addrs) == 0 {
		return refuse("callback_url host %s does not resolve: check the name", host)
	}
	for _, a := range addrs {
		if ip, err := netip.ParseAddr(a); err != nil || !PublicAddr(ip) {
			return refuse("callback_url host %s resolves to a loopback, link-local or private address (%s): webhooks go to public hosts only, unless the host is in BV_WEBHOOK_ALLOW_HOSTS", host, a)
		}
	}
	return nil
}

// Allowed reports whether host is in AllowHosts.
func (p Policy) Allowed(host string) bool {
	host = strings.ToLower(strings.Trim(host, "[]"))
	return slices.ContainsFunc(p.AllowHosts, func(h string) bool { return strings.ToLower(strings.Trim(h, "[]")) == host })
}

func (p Policy) lookupHost(ctx context.Context, host string) ([]string, error) {
	if p.LookupHost != nil {
		return p.LookupHost(ctx, host)
	}
	return net.DefaultResolver.LookupHost(ctx, host)
}

// PublicAddr reports whether ip may receive webhooks: a global unicast
// address outside the private, loopback, link-local, shared (CGNAT) and
// unique-local ranges.
func PublicAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	return ip.IsGlobalUnicast() && !ip.IsPrivate() && !ip.IsLoopback() && !ip.IsLinkLocalUnicast() &&
		!sharedRange.Contains(ip) && !uniqueLocalRange.Contains(ip)
}

var (
	sharedRange      = netip.MustParsePrefix("100.64.0.0/10")
	uniqueLocalRange = netip.MustParsePrefix("fc00::/7")
)

// DialContext connects to addr ("host:port") for a delivery. Unless host
// is allowed, it refuses, after resolution and before connecting, any
// address PublicAddr refuses: the check is made on the address actually
// dialled.
func (p Policy) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	if !p.Allowed(host) {
		d.Control = func(network, address string, _ syscall.RawConn) error {
			h, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			ip, err := netip.ParseAddr(h)
			if err != nil || !PublicAddr(ip) {
				return refuse("callback_url host %s is at a loopback, link-local or private address (%s) now: not sent", host, h)
			}
			return nil
		}
	}
	return d.DialContext(ctx, network, addr)
}

func refuse(format string, args ...any) error {
	return bulkverify.Errorf(bulkverify.EInvalidCallbackURL, format, args...)
}

// cut shortens a value echoed in an error message.
func cut(s string) string {
	const max = 80
	if len(s) <= max {
		return s
	}
	return s[:max] + "…"
}
