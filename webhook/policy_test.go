package webhook

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify"
)

// fakeDNS resolves the names of the tests.
func fakeDNS(_ context.Context, host string) ([]string, error) {
	addrs := map[string][]string{
		"hooks.example.com":     {"93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"},
		"private.example.com":   {"93.184.216.34", "10.1.2.3"},
		"internal.example.com":  {"192.168.1.20"},
		"metadata.example.com":  {"169.254.169.254"},
		"cgnat.example.com":     {"100.64.1.1"},
		"ula.example.com":       {"fd00::1"},
		"loopback6.example.com": {"::1"},
		"mapped.example.com":    {"::ffff:127.0.0.1"},
		"nat64.example.com":     {"93.184.216.34", "64:ff9b::a00:5"},
		"localhost":             {"127.0.0.1", "::1"},
	}
	if a, ok := addrs[host]; ok {
		return a, nil
	}
	if net.ParseIP(host) != nil {
		return []string{host}, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

func TestPolicyCheck(t *testing.T) {
	t.Parallel()
	p := Policy{AllowHosts: []string{"receiver.internal", "127.0.0.1"}, LookupHost: fakeDNS}
	tests := []struct {
		url     string
		allowed bool
		wantIn  string
	}{
		{"https://hooks.example.com/bulkverify", true, ""},
		{"https://93.184.216.34:8443/hook", true, ""},
		{"http://hooks.example.com/bulkverify", false, "https"},
		{"https://user:pass@hooks.example.com/", false, "user or password"},
		{"https://private.example.com/", false, "10.1.2.3"},
		{"https://internal.example.com/", false, "private"},
		{"https://metadata.example.com/latest", false, "link-local"},
		{"https://169.254.169.254/latest", false, "link-local"},
		{"https://cgnat.example.com/", false, "100.64.1.1"},
		{"https://ula.example.com/", false, "fd00::1"},
		{"https://loopback6.example.com/", false, "loopback"},
		{"https://mapped.example.com/", false, "loopback"},
		{"https://localhost:9999/", false, "loopback"},
		{"https://127.0.0.2/", false, "loopback"},
		{"https://[::1]:9999/", false, "loopback"},
		{"https://nowhere.example.com/", false, "does not resolve"},
		{"https://nat64.example.com/", false, "NAT64 address (64:ff9b::/96) of 10.0.0.5"},
		{"https://[64:ff9b::a00:5]/x", false, "NAT64 address (64:ff9b::/96) of 10.0.0.5"},
		{"https://[2002:a00:5::1]/x", false, "6to4 address (2002::/16) of 10.0.0.5"},
		{"https://0.0.0.1/x", false, `"this network" (0.0.0.0/8)`},
		{"https://[::ffff:10.0.0.5]/x", false, "IPv4-mapped address of 10.0.0.5, a private address"},
		{"https://[::ffff:93.184.216.34]/hook", true, ""},
		{"ftp://hooks.example.com/", false, "https://"},
		{"/relative", false, "https://"},
		{"http://receiver.internal:8080/hook", true, ""},
		{"http://RECEIVER.internal/hook", true, ""},
		{"http://127.0.0.1:9999/", true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			err := p.Check(context.Background(), tt.url)
			if tt.allowed {
				if err != nil {
					t.Errorf("got %v, want it allowed", err)
				}
				return
			}
			if bulkverify.ErrorCode(err) != bulkverify.EInvalidCallbackURL || !strings.Contains(err.Error(), tt.wantIn) {
				t.Errorf("got %v, want INVALID_CALLBACK_URL saying %q", err, tt.wantIn)
			}
		})
	}
}

// NotPublic refuses every range that is not globally reachable, including
// the IPv6 forms that carry an IPv4 address a gateway translates to.
func TestNotPublic(t *testing.T) {
	t.Parallel()
	tests := []struct {
		addr string
		want string // "" when the address is public
	}{
		{"93.184.216.34", ""},
		{"8.8.8.8", ""},
		{"2606:2800:220:1:248:1893:25c8:1946", ""},
		{"2a00:1450:4001:80b::200e", ""},
		{"::ffff:93.184.216.34", ""},
		{"127.0.0.1", "a loopback address"},
		{"127.255.0.9", "a loopback address"},
		{"10.0.0.5", "a private address"},
		{"172.16.3.4", "a private address"},
		{"192.168.1.20", "a private address"},
		{"169.254.169.254", "a link-local address"},
		{"224.0.0.1", "a multicast address"},
		{"0.0.0.0", `an address of "this network" (0.0.0.0/8)`},
		{"0.0.0.1", `an address of "this network" (0.0.0.0/8)`},
		{"100.64.1.1", "a shared (CGNAT) address (100.64.0.0/10)"},
		{"192.0.0.8", "an IETF protocol address (192.0.0.0/24)"},
		{"192.0.2.1", "a documentation address (192.0.2.0/24)"},
		{"198.18.0.1", "a benchmarking address (198.18.0.0/15)"},
		{"198.51.100.7", "a documentation address (198.51.100.0/24)"},
		{"203.0.113.7", "a documentation address (203.0.113.0/24)"},
		{"240.0.0.1", "a reserved address (240.0.0.0/4)"},
		{"255.255.255.255", "a reserved address (240.0.0.0/4)"},
		{"::", "the unspecified address"},
		{"::1", "a loopback address"},
		{"fe80::1", "a link-local address"},
		{"fe80::1%eth0", "a link-local address"},
		{"ff02::1", "a multicast address"},
		{"::ffff:127.0.0.1", "an IPv4-mapped address of 127.0.0.1, a loopback address"},
		{"::ffff:10.0.0.5", "an IPv4-mapped address of 10.0.0.5, a private address"},
		{"::ffff:0.0.0.1", `an IPv4-mapped address of 0.0.0.1, an address of "this network" (0.0.0.0/8)`},
		{"::10.0.0.5", "an IPv4-compatible address (::/96) of 10.0.0.5"},
		{"::93.184.216.34", "an IPv4-compatible address (::/96) of 93.184.216.34"},
		{"::ffff:0:10.0.0.5", "an IPv4-translated address (::ffff:0:0:0/96) of 10.0.0.5"},
		{"64:ff9b::a00:5", "a NAT64 address (64:ff9b::/96) of 10.0.0.5"},
		{"64:ff9b::7f00:1", "a NAT64 address (64:ff9b::/96) of 127.0.0.1"},
		{"64:ff9b::5db8:d822", "a NAT64 address (64:ff9b::/96) of 93.184.216.34"},
		{"64:ff9b:1::a00:5", "a local-use NAT64 address (64:ff9b:1::/48)"},
		{"100::1", "a discard-only address (100::/64)"},
		{"2001:0:4136:e378:8000:63bf:3fff:fdd2", "a Teredo address (2001::/32)"},
		{"2001:db8::1", "a documentation address (2001:db8::/32)"},
		{"2002:a00:5::1", "a 6to4 address (2002::/16) of 10.0.0.5"},
		{"2002:7f00:1::1", "a 6to4 address (2002::/16) of 127.0.0.1"},
		{"3fff::1", "a documentation address (3fff::/20)"},
		{"fd00::1", "a unique-local address (fc00::/7)"},
		{"fec0::1", "a site-local address (fec0::/10)"},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			got := NotPublic(netip.MustParseAddr(tt.addr))
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if PublicAddr(netip.MustParseAddr(tt.addr)) != (tt.want == "") {
				t.Errorf("PublicAddr disagrees with NotPublic %q", got)
			}
		})
	}
}

// The dialer refuses the embedded forms too: a name that resolves to
// 64:ff9b::7f00:1 is not connected to.
func TestDialRefusesEmbeddedForms(t *testing.T) {
	t.Parallel()
	p := Policy{}
	for _, addr := range []string{"[64:ff9b::7f00:1]:443", "[2002:a00:5::1]:443", "0.0.0.1:443", "[::127.0.0.1]:443"} {
		_, err := p.DialContext(context.Background(), "tcp", addr)
		if bulkverify.ErrorCode(err) != bulkverify.EInvalidCallbackURL {
			t.Errorf("dial %s: got %v, want INVALID_CALLBACK_URL before connecting", addr, err)
		}
	}
}

// countingListener counts the connections it accepts.
type countingListener struct {
	net.Listener
	accepted atomic.Int32
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.accepted.Add(1)
	}
	return c, err
}

// A name that resolved to a public address when checked and to a loopback
// one when dialled (DNS rebinding) is refused before connecting.
func TestSenderChecksTheAddressItDials(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cl := &countingListener{Listener: ln}
	srv := &http.Server{Handler: http.NotFoundHandler()}
	go srv.Serve(cl)
	defer srv.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	rebinding := func(ctx context.Context, host string) ([]string, error) { return []string{"93.184.216.34"}, nil }
	s := NewSender(Policy{LookupHost: rebinding})

	status, err := s.Send(context.Background(), "https://localhost:"+port+"/hook", []byte("k"), "msg_1", time.Now(), []byte("{}"))
	if status != 0 || bulkverify.ErrorCode(err) != bulkverify.EInvalidCallbackURL {
		t.Errorf("got HTTP %d, %v; want no answer and INVALID_CALLBACK_URL", status, err)
	}
	if n := cl.accepted.Load(); n != 0 {
		t.Errorf("got %d connections to the loopback receiver, want none", n)
	}
}

func TestSenderFollowsNoRedirect(t *testing.T) {
	t.Parallel()
	var followed atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { followed.Add(1) }))
	defer target.Close()
	redirect := httptest.NewServer(http.RedirectHandler(target.URL, http.StatusTemporaryRedirect))
	defer redirect.Close()
	s := NewSender(Policy{AllowHosts: []string{"127.0.0.1"}})

	status, err := s.Send(context.Background(), redirect.URL, []byte("k"), "msg_1", time.Now(), []byte("{}"))
	if err != nil || status != http.StatusTemporaryRedirect {
		t.Errorf("got HTTP %d, %v; want the 307 itself", status, err)
	}
	if n := followed.Load(); n != 0 {
		t.Errorf("the redirect target got %d requests, want none", n)
	}
}

func TestSenderSendsASignedMessage(t *testing.T) {
	t.Parallel()
	key := mustKey(t, specSecret)
	got := make(chan *http.Request, 1)
	bodies := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := make([]byte, 64)
		n, _ := r.Body.Read(b)
		got <- r
		bodies <- string(b[:n])
	}))
	defer srv.Close()
	at := time.Unix(specTimestamp, 0)
	s := NewSender(Policy{AllowHosts: []string{"127.0.0.1"}})

	status, err := s.Send(context.Background(), srv.URL, key, specID, at, []byte(specBody))
	if err != nil || status != http.StatusOK {
		t.Fatalf("got HTTP %d, %v; want 200", status, err)
	}
	r, body := <-got, <-bodies
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" || body != specBody {
		t.Errorf("got %s %q with body %q, want a JSON POST of the body", r.Method, r.Header.Get("Content-Type"), body)
	}
	if r.Header.Get(HeaderID) != specID || r.Header.Get(HeaderTimestamp) != "1614265330" || r.Header.Get(HeaderSignature) != specSignature {
		t.Errorf("got headers %v, want the specification's example", r.Header)
	}
}

func TestSendReportsNoAnswer(t *testing.T) {
	t.Parallel()
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	s := NewSender(Policy{AllowHosts: []string{"127.0.0.1"}})
	status, err := s.Send(context.Background(), "http://"+addr+"/", []byte("k"), "msg_1", time.Now(), []byte("{}"))
	var op *net.OpError
	if status != 0 || !errors.As(err, &op) {
		t.Errorf("got HTTP %d, %v; want no answer and the connection error", status, err)
	}
}
