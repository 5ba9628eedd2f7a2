package api

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

// webDist is the web console as built from api/web/src by `make web`
// (committed, so that `go build` needs no npm).
//
//go:embed web/dist
var webDist embed.FS

// consoleCSP allows the console's own script, style and API calls and
// nothing else: no inline script or style, no other origin. Downloads
// are navigations to presigned URLs, which connect-src does not govern.
const consoleCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// webAsset is one file of the console with its validator.
type webAsset struct {
	body        []byte
	etag        string
	contentType string
}

var (
	webAssetsOnce sync.Once
	webAssets     map[string]webAsset
)

// consoleAssets reads the embedded build once.
func consoleAssets() map[string]webAsset {
	webAssetsOnce.Do(func() {
		webAssets = map[string]webAsset{}
		sub, _ := fs.Sub(webDist, "web/dist")
		fs.WalkDir(sub, ".", func(name string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			body, err := fs.ReadFile(sub, name)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(body)
			ct := mime.TypeByExtension(path.Ext(name))
			if ct == "" {
				ct = "text/plain; charset=utf-8"
			}
			webAssets[name] = webAsset{body: body, etag: `"` + hex.EncodeToString(sum[:8]) + `"`, contentType: ct}
			return nil
		})
	})
	return webAssets
}

// handleIndex serves the web console: one page that signs in with a
// client's credentials and drives the same API a backend uses.
func (s *Server) handleIndex(w http.ResponseWriter, r *http.Request) {
	serveAsset(w, r, "index.html")
}

// handleAsset serves the console's script and style sheet.
func (s *Server) handleAsset(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	if name == "index.html" || name == "sources.sha256" || strings.Contains(name, "/") {
		http.NotFound(w, r)
		return
	}
	serveAsset(w, r, name)
}

func serveAsset(w http.ResponseWriter, r *http.Request, name string) {
	a, ok := consoleAssets()[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.contentType)
	h.Set("ETag", a.etag)
	// Revalidate every time: a new release must not meet a stale script.
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	if name == "index.html" {
		h.Set("Content-Security-Policy", consoleCSP)
		h.Set("X-Frame-Options", "DENY")
	}
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(a.body))
}
