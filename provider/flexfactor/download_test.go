package flexfactor

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/providertest"
	"github.com/bulkverify/bulkverify/provider/simulation"
)

// newDocsEnv serves a token endpoint, a list of one ID document described
// by doc, whose downloadUrl is link(base) where base is the server's root,
// and download at /download/. opts change the Client's Config.
func newDocsEnv(t *testing.T, doc Document, link func(base string) string, download http.HandlerFunc, opts ...func(*Config)) *env {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth2/token", func(w http.ResponseWriter, r *http.Request) {
		simulation.WriteJSON(w, http.StatusOK, TokenResponse{AccessToken: "fft_stub-token-0123456789", TokenType: "Bearer", ExpiresIn: 3600})
	})
	mux.HandleFunc("GET /v1/onboarding/application/{id}/documents/", func(w http.ResponseWriter, r *http.Request) {
		d := doc
		d.DocumentID, d.DocumentType = "document_1", "ID"
		d.DownloadURL = link("http://" + r.Host)
		simulation.WriteJSON(w, http.StatusOK, DocumentList{Status: "SUCCESS", Success: true, TotalDocuments: 1, Documents: []Document{d}, Errors: []string{}})
	})
	mux.HandleFunc("GET /download/", download)
	return newStubEnv(t, mux, opts...)
}

// serve answers with body.
func serve(body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { w.Write(body) }
}

func local(base string) string { return base + "/download/document_1?token=t0k3n-abcdefgh" }

func TestAnExpiredLinkIsListedAgainOnce(t *testing.T) {
	e := newEnv(t, SimConfig{})
	res, err := providertest.Verify(t, e.c, appRow("expiring-0001", allTypes))
	verified.Check(t, res, err)
	if got := e.sim.Counts(); got.Lists != 2 || got.Downloads != 4 {
		t.Errorf("got %d lists and %d downloads, want 2 and 4: one expired link, then the three fresh ones", got.Lists, got.Downloads)
	}
	if got := e.sim.Stats().Rejected; got != 1 {
		t.Errorf("got %d refused requests, want the one expired link", got)
	}
}

func TestALinkExpiringMidwayKeepsTheFilesAlreadyChecked(t *testing.T) {
	clk := newClock()
	sim := NewSimulator(SimConfig{ClientID: testClientID, ClientSecret: testSecret, Now: clk.Now})
	var aged atomic.Bool
	e := newStubEnv(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The links run out while the first file is checked.
		if strings.HasPrefix(r.URL.Path, "/download/document_789013") && aged.CompareAndSwap(false, true) {
			clk.Add(DefaultSimLinkTTL + time.Second)
		}
		sim.ServeHTTP(w, r)
	}), func(c *Config) { c.Now = clk.Now })
	res, err := providertest.Verify(t, e.c, appRow("complete-0001", allTypes))
	verified.Check(t, res, err)
	var paths []string
	for _, s := range e.rec.Exchanges("/download/") {
		paths = append(paths, strings.TrimPrefix(s.URL.Path, "/download/document_"))
	}
	if got, want := strings.Join(paths, " "), "789012_complete-0001 789013_complete-0001 789013_complete-0001 789014_complete-0001"; got != want {
		t.Errorf("got downloads %s, want %s: the ID file is not fetched again", got, want)
	}
}

func TestALinkRefusedAfterReListingIsTransient(t *testing.T) {
	clk := newClock()
	sim := NewSimulator(SimConfig{ClientID: testClientID, ClientSecret: testSecret, Now: clk.Now})
	e := newStubEnv(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/download/") {
			clk.Add(DefaultSimLinkTTL + time.Second) // every link has run out on arrival
		}
		sim.ServeHTTP(w, r)
	}), func(c *Config) { c.Now = clk.Now })
	_, err := providertest.Verify(t, e.c, appRow("complete-0001", allTypes))
	transient(OpDownload, 403, "refused again after re-listing: AccessDenied: Request has expired").Check(t, bulkverify.Result{}, err)
	if got := sim.Counts(); got.Lists != 2 || got.Downloads != 2 {
		t.Errorf("got %d lists and %d downloads, want 2 and 2: one re-listing, then give up", got.Lists, got.Downloads)
	}
}

func TestDownloadsGoThroughTheClientWithoutTheBearerToken(t *testing.T) {
	e := newEnv(t, SimConfig{})
	res, err := providertest.Verify(t, e.c, appRow("complete-0001", allTypes))
	verified.Check(t, res, err)
	downloads := e.rec.Exchanges("/download/")
	if len(downloads) != 3 {
		t.Fatalf("got %d downloads through the configured client, want 3", len(downloads))
	}
	for _, d := range downloads {
		if authOf(d) != "" {
			t.Errorf("got Authorization %q on %s, want none: the link is pre-signed", authOf(d), d.URL.Path)
		}
	}
	if lists := e.rec.Exchanges("/v1/"); len(lists) != 1 || !strings.HasPrefix(authOf(lists[0]), "Bearer fft_") {
		t.Errorf("got list requests %v, want one with the bearer token", lists)
	}
}

func TestUntrustedLinksAreNotFetched(t *testing.T) {
	var otherHits atomic.Int64
	body := simPDF("document_1", 600)
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		otherHits.Add(1)
		w.Write(body)
	}))
	t.Cleanup(other.Close)
	otherURL, _ := url.Parse(other.URL)
	doc := Document{FileType: "application/pdf", FileSize: 600}
	untrusted := final(bulkverify.StatusNotVerified, bulkverify.CodeUntrustedDownloadURL, "")
	withWords := func(words string) providertest.Want { o := untrusted; o.Words = words; return o }
	tests := []struct {
		name  string
		link  func(base string) string
		hosts []string
		want  providertest.Want
		hits  int64
	}{
		{"a link on another host is refused", func(string) string { return other.URL + "/download/document_1?token=t0k3n-abcdefgh" }, nil,
			withWords("is on host " + otherURL.Host + ", which is not among the allowed download hosts"), 0},
		{"an ftp link is refused", func(string) string { return "ftp://" + otherURL.Host + "/document_1" }, nil,
			withWords(`uses the scheme "ftp"; only http and https links are downloaded`), 0},
		{"a file link is refused", func(string) string { return "file:///etc/passwd" }, nil, withWords(`uses the scheme "file"`), 0},
		{"a relative link is refused", func(string) string { return "/download/document_1" }, nil, withWords(`uses the scheme ""`), 0},
		{"a link without a host is refused", func(string) string { return "http:///download/document_1" }, nil, withWords("names no host"), 0},
		{"a link with user info is refused", func(base string) string { return strings.Replace(base, "http://", "http://me:pw@", 1) + "/download/x" }, nil,
			withWords("carries user info"), 0},
		{"an empty link is refused", func(string) string { return "" }, nil, withWords("is not a URL"), 0},
		{"a link on an allowed host and port is fetched", func(string) string { return other.URL + "/download/document_1" }, []string{otherURL.Host}, verified, 1},
		{"a host allowed without a port is allowed on any port", func(string) string { return other.URL + "/download/document_1" }, []string{" 127.0.0.1. "}, verified, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			otherHits.Store(0)
			e := newDocsEnv(t, doc, tt.link, serve(body), func(c *Config) { c.DownloadHosts = tt.hosts })
			res, err := providertest.Verify(t, e.c, appRow("any-1", "ID"))
			tt.want.Check(t, res, err)
			if got := int64(len(e.rec.Exchanges("/download/"))); got != tt.hits || otherHits.Load() != tt.hits {
				t.Errorf("got %d download requests (%d to the other host), want %d", got, otherHits.Load(), tt.hits)
			}
			if strings.Contains(res.Message, "t0k3n") {
				t.Errorf("got message %q, want the link's query left out", res.Message)
			}
		})
	}
	t.Run("the simulator's offsite links are not fetched", func(t *testing.T) {
		e := newEnv(t, SimConfig{})
		res, err := providertest.Verify(t, e.c, appRow("offsite-1", allTypes))
		untrusted.Check(t, res, err)
		if res.DocumentID != "document_789012_offsite-1" || res.DocumentType != "ID" || res.Issuer != Issuer {
			t.Errorf("got document %q %q %q, want the ID document of offsite-1", res.DocumentID, res.DocumentType, res.Issuer)
		}
		if got := len(e.rec.Exchanges("/")); got != 2 {
			t.Errorf("got %d requests, want 2: the token and the list", got)
		}
	})
}

func TestRedirectsOfDownloads(t *testing.T) {
	var otherHits atomic.Int64
	body := simPDF("document_1", 600)
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		otherHits.Add(1)
		w.Write(body)
	}))
	t.Cleanup(other.Close)
	doc := Document{FileType: "application/pdf", FileSize: 600}
	t.Run("a redirect to an untrusted host is not followed", func(t *testing.T) {
		e := newDocsEnv(t, doc, local, func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, other.URL+"/bucket/document_1?sig=abc", http.StatusFound)
		})
		res, err := providertest.Verify(t, e.c, appRow("any-1", "ID"))
		final(bulkverify.StatusNotVerified, bulkverify.CodeUntrustedDownloadURL, "was redirected to a link that is on host 127.0.0.1:").Check(t, res, err)
		if got := otherHits.Load(); got != 0 {
			t.Errorf("got %d requests to the untrusted host, want none", got)
		}
	})
	t.Run("a redirect within the trusted host is followed", func(t *testing.T) {
		e := newDocsEnv(t, doc, local, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/download/moved" {
				w.Write(body)
				return
			}
			http.Redirect(w, r, "/download/moved", http.StatusFound)
		})
		res, err := providertest.Verify(t, e.c, appRow("any-1", "ID"))
		verified.Check(t, res, err)
	})
}

func TestIntegrityChecks(t *testing.T) {
	pdf := simPDF("document_1", 600)
	png := simPNG("document_1", 600)
	jpeg := append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, make([]byte, 596)...)
	failed := func(words string) providertest.Want {
		return final(bulkverify.StatusNotVerified, bulkverify.CodeIntegrityFailed, words)
	}
	tests := []struct {
		name     string
		fileType string
		size     int64
		body     []byte
		want     providertest.Want
	}{
		{"a PDF of its listed size passes", "application/pdf", 600, pdf, verified},
		{"a JPEG passes", "image/jpeg", 600, jpeg, verified},
		{"a PNG passes", "image/png", 600, png, verified},
		{"a fileType in capitals with parameters passes", "Application/PDF; version=1.4", 600, pdf, verified},
		{"an unknown fileType that the content matches passes", "text/plain", 12, []byte("hello world\n"), verified},
		{"an unknown fileType that the content does not match fails", "application/zip", 12, []byte("hello world\n"),
			failed(`type check failed: the listed fileType is "application/zip", but the file looks like text/plain`)},
		{"a file shorter than listed fails", "application/pdf", 600, pdf[:500],
			failed("size check failed: the file has 500 bytes, its listed fileSize is 600")},
		{"a file longer than listed fails", "application/pdf", 600, append(pdf, pdf...),
			failed("size check failed: the file goes on past its listed fileSize 600 (at least 601 bytes)")},
		{"PNG bytes listed as a PDF fail", "application/pdf", 600, png,
			failed(`type check failed: the listed fileType is application/pdf, but the file does not start with its magic number "%PDF-" (it looks like image/png)`)},
		{"a file of the wrong size and type names both", "application/pdf", 600, png[:500],
			failed("size check failed: the file has 500 bytes, its listed fileSize is 600; type check failed")},
		{"an empty file listed as an empty PDF fails", "application/pdf", 0, nil, failed("type check failed")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newDocsEnv(t, Document{FileType: tt.fileType, FileSize: tt.size}, local, serve(tt.body))
			res, err := providertest.Verify(t, e.c, appRow("any-1", "ID"))
			tt.want.Check(t, res, err)
			if res.DocumentID != "document_1" || res.DocumentType != "ID" || res.Issuer != Issuer || res.MIME != tt.fileType {
				t.Errorf("got document %q %q %q %q, want document_1 ID FlexFactor %s", res.DocumentID, res.DocumentType, res.Issuer, res.MIME, tt.fileType)
			}
			if int64(len(tt.body)) <= tt.size { // read to its end: the digest and size are evidence
				sum := sha256.Sum256(tt.body)
				if res.SHA256 != hex.EncodeToString(sum[:]) || res.Size != strconv.Itoa(len(tt.body)) {
					t.Errorf("got sha256 %s size %s, want %x %d", res.SHA256, res.Size, sum, len(tt.body))
				}
			}
		})
	}
	t.Run("a file listed past the limit is not downloaded", func(t *testing.T) {
		e := newDocsEnv(t, Document{FileType: "application/pdf", FileSize: 600}, local, serve(pdf), func(c *Config) { c.MaxFileBytes = 100 })
		res, err := providertest.Verify(t, e.c, appRow("any-1", "ID"))
		failed("its listed fileSize 600 is larger than the 100-byte limit, so it was not downloaded").Check(t, res, err)
		if got := len(e.rec.Exchanges("/download/")); got != 0 {
			t.Errorf("got %d downloads, want none", got)
		}
	})
	t.Run("a download that breaks off is transient", func(t *testing.T) {
		e := newDocsEnv(t, Document{FileType: "application/pdf", FileSize: 600}, local, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "600")
			w.Write(pdf[:100])
		})
		_, err := providertest.Verify(t, e.c, appRow("any-1", "ID"))
		transient(OpDownload, 200, "file download broke off").Check(t, bulkverify.Result{}, err)
	})
}
