package main

import (
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/bulkverify/bulkverify/api"
	"github.com/bulkverify/bulkverify/provider/providers"
)

// providersAPI serves the real API's GET /v1/providers (no store is
// needed for it) to the client demo, with digilocker and sila enabled.
func providersAPI(t *testing.T) string {
	t.Helper()
	reg := prometheus.NewRegistry()
	s := &api.Server{
		Clients: map[string]string{"demo": "demo-secret"}, JWTSecret: []byte("providers-test"), JWTTTL: time.Hour,
		Specs: providers.Specs(), Providers: []string{"digilocker", "sila"},
		Metrics: api.NewMetrics(reg, reg), Now: time.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestSubmitHelpListsTheServersProviders(t *testing.T) {
	t.Parallel()
	out, err := cli(t, providersAPI(t), "submit", "--help")
	if err != nil {
		t.Fatalf("submit --help: got %v, want no error; output:\n%s", err, out)
	}
	for _, name := range providers.Names() {
		if !strings.Contains(out, "\n  "+name) {
			t.Errorf("got help\n%s\nwant provider %s listed", out, name)
		}
	}
	for _, want := range []string{
		"  digilocker\n    required: access_token, doctype\n    optional: reference_id, uri\n" +
			"    claims:   document_number, name, dob, gender (compared with the document; results in <claim>_match)\n" +
			"    secrets:  refresh_token (accepted, never compared or output)\n",
		"  flexfactor (not enabled on this server)\n",
		"  sila\n    required: user_handle, doc_types\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("got help\n%s\nwant it to contain\n%s", out, want)
		}
	}
}

func TestSubmitHelpSaysHowToReachTheServerWhenItCannot(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	out, err := cli(t, closed, "submit", "--help")
	if err != nil {
		t.Fatalf("submit --help: got %v, want no error; output:\n%s", err, out)
	}
	for _, want := range []string{"--provider", "providers: cannot list them", closed, "--url or BV_API_URL"} {
		if !strings.Contains(out, want) {
			t.Errorf("got help\n%s\nwant it to contain %q", out, want)
		}
	}
	for _, name := range providers.Names() {
		if strings.Contains(out, "  "+name+"\n") {
			t.Errorf("got help\n%s\nwant no provider listed when the server cannot be asked", out)
		}
	}
}

func TestSubmitHelpSaysWhenTheCredentialsAreRefused(t *testing.T) {
	t.Parallel()
	srv := providersAPI(t)
	out, err := cli(t, srv, "submit", "--api-key", "wrong", "--help")
	if err != nil {
		t.Fatalf("submit --help: got %v, want no error; output:\n%s", err, out)
	}
	if !strings.Contains(out, "Invalid client_id, access Denied") || !strings.Contains(out, "--api-key") {
		t.Errorf("got help\n%s\nwant the refusal and how to give credentials", out)
	}
}
