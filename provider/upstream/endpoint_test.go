package upstream

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestEndpointDefaults(t *testing.T) {
	c := Endpoint{BaseURL: " https://api.example/v1// "}.Conn("test")
	if c.Provider != "test" || c.Base != "https://api.example/v1" || c.HTTP == nil || c.HTTP.Timeout != DefaultTimeout || c.Now == nil {
		t.Errorf("got %+v, want the trimmed base, a client with DefaultTimeout and a clock", c)
	}
	hc, now := &http.Client{}, func() time.Time { return time.Unix(7, 0) }
	if c := (Endpoint{HTTPClient: hc, Now: now}).Conn("test"); c.HTTP != hc || c.Stamp() != "1970-01-01T00:00:07Z" {
		t.Errorf("got %+v stamp %s, want the given client and clock", c, c.Stamp())
	}
}

func TestConnErrors(t *testing.T) {
	now := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	c := Endpoint{BaseURL: "http://bad host", Now: func() time.Time { return now }}.Conn("test")
	t.Run("a base URL that makes no URL names its variable", func(t *testing.T) {
		_, err := c.NewRequest(context.Background(), "list", http.MethodGet, "/x", nil)
		if err == nil || !strings.Contains(err.Error(), "test: list: bad request URL, check BV_TEST_BASE_URL") {
			t.Errorf("got %v, want the bad URL named", err)
		}
	})
	t.Run("no answer hides the query of the URL", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		srv.Close()
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/file?token=s3cret", nil)
		_, err := c.Do("download", req)
		if err == nil || strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), "/file") {
			t.Errorf("got %v, want no answer naming the path but not the query", err)
		}
	})
	t.Run("a transient answer waits its Retry-After", func(t *testing.T) {
		resp := &http.Response{StatusCode: 503, Header: http.Header{"Retry-After": {"4"}}}
		if ue := c.Transient("list", resp, "busy"); ue.StatusCode != 503 || ue.Wait != 4*time.Second || ue.Reason != "busy" || ue.Provider != "test" {
			t.Errorf("got %+v, want HTTP 503 busy waiting 4s", ue)
		}
		if ue := c.Unreadable("list", resp, nil); ue.Wait != 0 || ue.Reason != "unreadable answer" {
			t.Errorf("got %+v, want an unreadable answer without a wait", ue)
		}
	})
}
