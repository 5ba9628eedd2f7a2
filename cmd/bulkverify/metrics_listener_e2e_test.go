package main

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

// freeAddr returns a loopback address nothing listens on.
func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// getMetrics returns the status and body of GET u.
func getMetrics(t *testing.T, u string) (int, string) {
	resp, err := http.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// serve keeps /metrics on the API unless BV_METRICS_ADDR names an address;
// then the API no longer serves them, its own listener does.
func TestServeMetricsListener(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("needs redis-server")
	}
	t.Run("on the API when BV_METRICS_ADDR is unset or off", func(t *testing.T) {
		for _, v := range []string{"", "off"} {
			env := prodEnv(t)
			env["BV_METRICS_ADDR"] = v
			api := startProgram(t, []string{"serve"}, env)
			getMetrics(t, api+"/healthz")
			if code, body := getMetrics(t, api+"/metrics"); code != http.StatusOK || !strings.Contains(body, "bulkverify_http_request_duration_seconds") {
				t.Errorf("BV_METRICS_ADDR=%q: GET /metrics on the API: HTTP %d, want 200 with the API's metrics", v, code)
			}
		}
	})
	t.Run("on its own listener when BV_METRICS_ADDR is an address", func(t *testing.T) {
		env := prodEnv(t)
		addr := freeAddr(t)
		env["BV_METRICS_ADDR"] = addr
		api := startProgram(t, []string{"serve"}, env)
		getMetrics(t, api+"/healthz") // one request, so that the API's histogram has a sample
		if code, body := getMetrics(t, "http://"+addr+"/metrics"); code != http.StatusOK || !strings.Contains(body, "bulkverify_http_request_duration_seconds") {
			t.Errorf("GET /metrics on %s: HTTP %d, want 200 with the API's metrics", addr, code)
		}
		if code, _ := getMetrics(t, api+"/metrics"); code != http.StatusNotFound {
			t.Errorf("GET /metrics on the API: HTTP %d, want 404", code)
		}
		if code, _ := getMetrics(t, api+"/healthz"); code != http.StatusOK {
			t.Errorf("GET /healthz on the API: HTTP %d, want 200", code)
		}
	})
}
