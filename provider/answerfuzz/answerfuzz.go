// Package answerfuzz fuzzes a provider client with upstream answers: the
// requests to one path get a fuzzed status and body, the others the
// provider's own simulator. Whatever comes back, the client must not
// panic or hang, must give a Result with a status or a transient error,
// and must never put a secret of its configuration in either.
package answerfuzz

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider"
	"github.com/bulkverify/bulkverify/provider/simulation"
)

// Target says what to fuzz.
type Target struct {
	Provider provider.Provider
	// Path is a part of the request paths whose answers are fuzzed.
	Path string
	// Row is the row verified against every answer.
	Row bulkverify.Row
}

// statuses are the HTTP statuses a fuzzed answer picks from.
var statuses = []int{200, 200, 200, 400, 401, 403, 404, 410, 422, 429, 500, 502, 503}

// Fuzz runs the target, seeded with every file in testdata/ (the seeds'
// sample answers) under each status.
func Fuzz(f *testing.F, t Target) {
	files, _ := filepath.Glob("testdata/*")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil || strings.HasSuffix(name, ".md") {
			continue
		}
		for i := range statuses {
			f.Add(uint8(i), b)
		}
	}
	f.Add(uint8(0), []byte(`{}`))
	f.Add(uint8(0), []byte(`{"data": null}`))
	settings := t.Provider.DevSettings(func(string) string { return "" })
	sim := t.Provider.Simulate(settings, simulation.Faults{})
	f.Fuzz(func(tt *testing.T, status uint8, body []byte) {
		code := statuses[int(status)%len(statuses)]
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !strings.Contains(r.URL.Path, t.Path) {
				sim.ServeHTTP(w, r)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			if code == http.StatusTooManyRequests {
				w.Header().Set("Retry-After", "1")
			}
			w.WriteHeader(code)
			w.Write(body)
		}))
		defer srv.Close()
		s := settings
		s.BaseURL = srv.URL
		client, err := t.Provider.New(s, &http.Client{Timeout: 5 * time.Second})
		if err != nil {
			tt.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		res, err := client.Verify(ctx, t.Row)
		text := res.Message + res.DocumentID + res.Issuer + res.MIME
		if err != nil {
			text = err.Error()
		} else if res.Status == "" || res.Code == "" {
			tt.Fatalf("HTTP %d %q: got a result without status or code: %+v", code, body, res)
		}
		if ctx.Err() != nil {
			tt.Fatalf("HTTP %d %q: Verify did not return within 10 s", code, body)
		}
		for _, v := range t.Provider.Vars {
			if sec := settings.Get(v.Name); v.Secret && sec != "" && strings.Contains(text, sec) {
				tt.Fatalf("HTTP %d %q: the secret %s%s is in %q", code, body, t.Provider.EnvPrefix(), v.Name, text)
			}
		}
	})
}
