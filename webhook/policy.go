package webhook

import (
	"context"
	"fmt"
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
// never at an address that is not public (NotPublic), unless the host is
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
		ip, err := netip.ParseAddr(a)
		if err != nil {
			return refuse("callback_url host %s resolves to %q, which is not an IP address", host, cut(a))
		}
		if why := NotPublic(ip); why != "" {
			is := "resolves to " + a + ","
			if a == host {
				is = "is"
			}
			return refuse("callback_url host %s %s %s: webhooks go to public hosts only, unless the host is in BV_WEBHOOK_ALLOW_HOSTS", host, is, why)
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

// PublicAddr reports whether ip may receive webhooks: NotPublic has no
// objection to it.
func PublicAddr(ip netip.Addr) bool { return NotPublic(ip) == "" }

// NotPublic returns why ip may not receive webhooks ("a loopback
// address", "a NAT64 address (64:ff9b::/96) of 10.0.0.5", ...), or ""
// when it is a public unicast address. Besides the loopback, private,
// link-local, shared (CGNAT) and unique-local ranges, it refuses the
// special-purpose ranges that are not globally reachable, and the IPv6
// forms that embed an IPv4 address a gateway may translate to (NAT64,
// 6to4, Teredo, IPv4-compatible; IPv4-mapped ones are judged by their
// IPv4 address): 10.0.0.5 must not be reachable as 64:ff9b::a00:5.
func NotPublic(ip netip.Addr) string {
	ip = ip.WithZone("")
	if ip.Is4In6() {
		v4 := ip.Unmap()
		if why := notPublic4(v4); why != "" {
			return fmt.Sprintf("an IPv4-mapped address of %s, %s", v4, why)
		}
		return ""
	}
	if ip.Is4() {
		return notPublic4(ip)
	}
	switch {
	case !ip.IsValid():
		return "not an address"
	case ip.IsUnspecified():
		return "the unspecified address"
	case ip.IsLoopback():
		return "a loopback address"
	case ip.IsLinkLocalUnicast():
		return "a link-local address"
	case ip.IsMulticast():
		return "a multicast address"
	}
	for _, r := range special6 {
		if r.prefix.Contains(ip) {
			if r.embeds != nil {
				return fmt.Sprintf(r.why, r.embeds(ip.As16()))
			}
			return r.why
		}
	}
	if !ip.IsGlobalUnicast() {
		return "not a unicast address"
	}
	return ""
}

// notPublic4 is NotPublic for an IPv4 address.
func notPublic4(ip netip.Addr) string {
	switch {
	case ip.IsLoopback():
		return "a loopback address"
	case ip.IsPrivate():
		return "a private address"
	case ip.IsLinkLocalUnicast():
		return "a link-local address"
	case ip.IsMulticast():
		return "a multicast address"
	}
	for _, r := range special4 {
		if r.prefix.Contains(ip) {
			return r.why
		}
	}
	if !ip.IsGlobalUnicast() {
		return "not a unicast address"
	}
	return ""
}

// special is a special-purpose range of IANA's registries that is not
// globally reachable. embeds, when set, extracts the IPv4 address that an
// IPv6 one carries, and why formats it.
type special struct {
	prefix netip.Prefix
	why    string
	embeds func(b [16]byte) netip.Addr
}

var special4 = []special{
	{prefix: netip.MustParsePrefix("0.0.0.0/8"), why: `an address of "this network" (0.0.0.0/8)`},
	{prefix: netip.MustParsePrefix("100.64.0.0/10"), why: "a shared (CGNAT) address (100.64.0.0/10)"},
	{prefix: netip.MustParsePrefix("192.0.0.0/24"), why: "an IETF protocol address (192.0.0.0/24)"},
	{prefix: netip.MustParsePrefix("192.0.2.0/24"), why: "a documentation address (192.0.2.0/24)"},
	{prefix: netip.MustParsePrefix("198.18.0.0/15"), why: "a benchmarking address (198.18.0.0/15)"},
	{prefix: netip.MustParsePrefix("198.51.100.0/24"), why: "a documentation address (198.51.100.0/24)"},
	{prefix: netip.MustParsePrefix("203.0.113.0/24"), why: "a documentation address (203.0.113.0/24)"},
	{prefix: netip.MustParsePrefix("240.0.0.0/4"), why: "a reserved address (240.0.0.0/4)"},
}

var special6 = []special{
	{prefix: netip.MustParsePrefix("::/96"), why: "an IPv4-compatible address (::/96) of %s", embeds: last32},
	{prefix: netip.MustParsePrefix("64:ff9b::/96"), why: "a NAT64 address (64:ff9b::/96) of %s", embeds: last32},
	{prefix: netip.MustParsePrefix("64:ff9b:1::/48"), why: "a local-use NAT64 address (64:ff9b:1::/48)"},
	{prefix: netip.MustParsePrefix("::ffff:0:0:0/96"), why: "an IPv4-translated address (::ffff:0:0:0/96) of %s", embeds: last32},
	{prefix: netip.MustParsePrefix("100::/64"), why: "a discard-only address (100::/64)"},
	{prefix: netip.MustParsePrefix("2001::/32"), why: "a Teredo address (2001::/32)"},
	{prefix: netip.MustParsePrefix("2001:db8::/32"), why: "a documentation address (2001:db8::/32)"},
	{prefix: netip.MustParsePrefix("2002::/16"), why: "a 6to4 address (2002::/16) of %s", embeds: sixToFour},
	{prefix: netip.MustParsePrefix("3fff::/20"), why: "a documentation address (3fff::/20)"},
	{prefix: netip.MustParsePrefix("fc00::/7"), why: "a unique-local address (fc00::/7)"},
	{prefix: netip.MustParsePrefix("fec0::/10"), why: "a site-local address (fec0::/10)"},
}

// last32 is the IPv4 address in the last 32 bits (IPv4-compatible,
// IPv4-translated, NAT64).
func last32(b [16]byte) netip.Addr { return netip.AddrFrom4([4]byte(b[12:16])) }

// sixToFour is the IPv4 address of a 6to4 prefix, 2002:AABB:CCDD::/48.
func sixToFour(b [16]byte) netip.Addr { return netip.AddrFrom4([4]byte(b[2:6])) }

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
			if err != nil {
				return refuse("callback_url host %s is at %q now, which is not an IP address: not sent", host, h)
			}
			if why := NotPublic(ip); why != "" {
				return refuse("callback_url host %s is at %s now, %s: not sent", host, h, why)
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
