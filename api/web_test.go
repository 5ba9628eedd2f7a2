package api

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

// sourceManifest digests api/web's sources as build.mjs does: every file
// but dist/, node_modules/ and dotfiles, sorted, one "sha256  path" line
// each.
func sourceManifest(t *testing.T) string {
	t.Helper()
	var files []string
	err := filepath.WalkDir("web", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(p, "web"+string(filepath.Separator)))
		if p != "web" && strings.HasPrefix(d.Name(), ".") || rel == "dist" || rel == "node_modules" {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.IsDir() {
			files = append(files, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	var b strings.Builder
	for _, f := range files {
		body, err := os.ReadFile(filepath.Join("web", f))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(body)
		fmt.Fprintf(&b, "%s  %s\n", hex.EncodeToString(sum[:]), f)
	}
	return b.String()
}

// TestTheConsoleBuildIsTheBuildOfItsSources catches a change to
// api/web/src committed without `make web`: the embedded build records
// the digest of the sources it was built from. (make web-check rebuilds
// and compares byte for byte, where npm is at hand.)
func TestTheConsoleBuildIsTheBuildOfItsSources(t *testing.T) {
	t.Parallel()
	built, err := fs.ReadFile(webDist, "web/dist/sources.sha256")
	if err != nil {
		t.Fatalf("got no web/dist/sources.sha256 (%v): run `make web`", err)
	}
	got := sourceManifest(t)
	if got == string(built) {
		return
	}
	want := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(built)), "\n") {
		sum, name, _ := strings.Cut(line, "  ")
		want[name] = sum
	}
	for _, line := range strings.Split(strings.TrimSpace(got), "\n") {
		sum, name, _ := strings.Cut(line, "  ")
		switch w, ok := want[name]; {
		case !ok:
			t.Errorf("api/web/%s is new since the build", name)
		case w != sum:
			t.Errorf("api/web/%s changed since the build", name)
		}
		delete(want, name)
	}
	for name := range want {
		t.Errorf("api/web/%s was removed since the build", name)
	}
	t.Errorf("api/web/dist is not the build of api/web's sources: run `make web` and commit api/web/dist")
}

func TestTheConsoleIsServedUnderAStrictContentSecurityPolicy(t *testing.T) {
	t.Parallel()
	h := newAuthServer(time.Now).Handler()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	csp := rec.Header().Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("got Content-Security-Policy %q, want it to contain %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe") {
		t.Errorf("got Content-Security-Policy %q, want no unsafe-* source", csp)
	}
	page := rec.Body.String()
	if m := regexp.MustCompile(`<script(?:\s[^>]*)?>[^<]+</script>|\sstyle=|\son[a-z]+=`).FindString(page); m != "" {
		t.Errorf("the page has %q, which the policy would block: want script and style from files only", m)
	}
	for _, m := range regexp.MustCompile(`(?:src|href)="(/assets/[^"]+)"`).FindAllStringSubmatch(page, -1) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, m[1], nil))
		if rec.Code != http.StatusOK || rec.Body.Len() == 0 {
			t.Errorf("GET %s (linked from the page): got HTTP %d with %d bytes, want the file", m[1], rec.Code, rec.Body.Len())
		}
	}
}

func TestTheConsoleAssetsHaveTheirTypesAndRevalidate(t *testing.T) {
	t.Parallel()
	h := newAuthServer(time.Now).Handler()
	tests := []struct{ path, wantType string }{
		{"/assets/app.js", "text/javascript"},
		{"/assets/app.css", "text/css"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tt.path, nil))
			if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), tt.wantType) {
				t.Fatalf("got HTTP %d %q, want 200 %s", rec.Code, rec.Header().Get("Content-Type"), tt.wantType)
			}
			if rec.Header().Get("X-Content-Type-Options") != "nosniff" || rec.Header().Get("Cache-Control") != "no-cache" {
				t.Errorf("got headers %v, want nosniff and no-cache", rec.Header())
			}
			req := httptest.NewRequest(http.MethodGet, tt.path, nil)
			req.Header.Set("If-None-Match", rec.Header().Get("ETag"))
			rec = httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusNotModified {
				t.Errorf("with its ETag: got HTTP %d, want 304", rec.Code)
			}
		})
	}
	for _, path := range []string{"/assets/sources.sha256", "/assets/index.html", "/assets/nope.js", "/assets/"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusNotFound {
			t.Errorf("GET %s: got HTTP %d, want 404", path, rec.Code)
		}
	}
}
