package flexfactor

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bulkverify/bulkverify/provider"
	"github.com/bulkverify/bulkverify/provider/simulation"
)

// Simulator defaults.
const (
	DefaultSimTokenTTL = time.Hour
	DefaultSimLinkTTL  = 5 * time.Minute

	maxFormBytes = 64 << 10
)

// SimConfig configures a Simulator.
type SimConfig struct {
	// ClientID and ClientSecret are the only client credentials
	// /oauth2/token accepts, as HTTP Basic auth or form fields.
	ClientID, ClientSecret string
	// TokenTTL is the lifetime of an access token; 0 means
	// DefaultSimTokenTTL.
	TokenTTL time.Duration
	// LinkTTL is the lifetime of a download link; 0 means
	// DefaultSimLinkTTL.
	LinkTTL time.Duration
	// PublicURL is the root the download links start with. Empty means the
	// scheme and Host of the list request, followed by any prefix a
	// http.StripPrefix in front of the simulator removed.
	PublicURL string
	// Now is the clock of token and link expiry; nil means time.Now.
	Now func() time.Time
	// Faults adds latency, random errors and an own rate limit to every
	// route. Injected answers carry a body {"errors": [...]}.
	Faults simulation.Faults
}

// Simulator answers like FlexFactor's token endpoint and "List of
// documents" API (seed 004), and serves the documents' files behind
// pre-signed, time-limited links, for the simulated applications listed
// with AppComplete. It is deterministic but for its tokens and link
// signatures, and safe for concurrent use.
type Simulator struct {
	simulation.Server
	cfg   SimConfig
	key   []byte             // signs download links
	lists simulation.Counter // list requests so far, by application id

	mu     sync.Mutex
	tokens map[string]time.Time // live access tokens and their expiry

	issued, listed, downloaded atomic.Int64
}

// SimCounts counts what a Simulator has done.
type SimCounts struct {
	TokensIssued int64 // access tokens issued
	Lists        int64 // list requests with a live token
	Downloads    int64 // download requests
}

// NewSimulator returns a Simulator for cfg.
func NewSimulator(cfg SimConfig) *Simulator {
	if cfg.TokenTTL <= 0 {
		cfg.TokenTTL = DefaultSimTokenTTL
	}
	if cfg.LinkTTL <= 0 {
		cfg.LinkTTL = DefaultSimLinkTTL
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	s := &Simulator{cfg: cfg, key: make([]byte, 32), tokens: map[string]time.Time{}}
	rand.Read(s.key)
	s.Server = simulation.NewServer(cfg.Faults, faultBody, simulation.Routes{
		"POST /oauth2/token": s.handleToken,
		"GET /v1/onboarding/application/{id}/documents/{$}": s.handleList,
		"GET /download/{documentId}":                        s.handleDownload,
	})
	return s
}

// Counts returns the tokens issued, lists and downloads so far.
func (s *Simulator) Counts() SimCounts {
	return SimCounts{TokensIssued: s.issued.Load(), Lists: s.listed.Load(), Downloads: s.downloaded.Load()}
}

func (s *Simulator) handleToken(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "The request body is not a form.")
		return
	}
	if g := r.PostForm.Get("grant_type"); g != "client_credentials" {
		writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", fmt.Sprintf("The grant type %q is not supported; use client_credentials.", g))
		return
	}
	if !s.validClient(r) {
		w.Header().Set("WWW-Authenticate", `Basic realm="flexfactor"`)
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "Client authentication failed.")
		return
	}
	token := "fft_" + rand.Text()
	now := s.cfg.Now()
	s.mu.Lock()
	for t, exp := range s.tokens {
		if !now.Before(exp) {
			delete(s.tokens, t)
		}
	}
	s.tokens[token] = now.Add(s.cfg.TokenTTL)
	s.mu.Unlock()
	s.issued.Add(1)
	w.Header().Set("Cache-Control", "no-store")
	simulation.WriteJSON(w, http.StatusOK, TokenResponse{AccessToken: token, TokenType: "Bearer", ExpiresIn: Seconds(s.cfg.TokenTTL / time.Second)})
}

// validClient reports whether r carries the configured client credentials,
// as HTTP Basic auth (form-decoded, RFC 6749 §2.3.1) or form fields.
func (s *Simulator) validClient(r *http.Request) bool {
	id, secret, ok := r.BasicAuth()
	if ok {
		id, secret = formDecoded(id), formDecoded(secret)
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	idOK := subtle.ConstantTimeCompare([]byte(id), []byte(s.cfg.ClientID)) == 1
	secretOK := subtle.ConstantTimeCompare([]byte(secret), []byte(s.cfg.ClientSecret)) == 1
	return idOK && secretOK
}

func formDecoded(s string) string {
	if d, err := url.QueryUnescape(s); err == nil {
		return d
	}
	return s
}

func (s *Simulator) handleList(w http.ResponseWriter, r *http.Request) {
	token, ok := s.authorize(w, r)
	if !ok {
		return
	}
	s.listed.Add(1)
	id := r.PathValue("id")
	_, app := kindOf(id)
	first := s.lists.Add(id) == 1
	switch {
	case app.revoked && first:
		s.revoke(token)
		simulation.WriteJSON(w, http.StatusUnauthorized, APIError{Errors: []string{ErrInvalidBearer}})
	case app.flaky && first, app.listStatus == http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", "1")
		simulation.WriteJSON(w, http.StatusServiceUnavailable, APIError{Errors: []string{UnavailableError}})
	case app.listStatus == http.StatusOK:
		simulation.WriteJSON(w, http.StatusOK, DocumentList{Status: "FAILED", Documents: []Document{}, Errors: app.listErrors})
	case app.listStatus != 0:
		simulation.WriteJSON(w, app.listStatus, APIError{Errors: app.listErrors})
	default:
		expires := s.cfg.Now().Add(s.cfg.LinkTTL)
		if app.expiring && first {
			expires = s.cfg.Now().Add(-time.Second)
		}
		simulation.WriteJSON(w, http.StatusOK, s.documentList(s.publicURL(r), id, app, expires))
	}
}

// documentList returns the list answer of application id, with download
// links under base valid until expires.
func (s *Simulator) documentList(base, id string, app behaviour, expires time.Time) DocumentList {
	if app.offsite {
		base = OffsiteBase
	}
	list := DocumentList{Status: "SUCCESS", Success: true, TotalDocuments: len(app.docs), Documents: []Document{}, Errors: []string{}}
	for _, d := range app.docs {
		d.DocumentID = simDocumentID(d.DocumentID, id)
		d.DownloadURL = base + "/download/" + url.PathEscape(d.DocumentID) + "?" + s.sign(d.DocumentID, expires).Encode()
		list.Documents = append(list.Documents, d)
	}
	return list
}

// sign returns the query of a pre-signed link to documentID: its expiry in
// Unix seconds and the HMAC-SHA256 of both under the simulator's key.
func (s *Simulator) sign(documentID string, expires time.Time) url.Values {
	exp := strconv.FormatInt(expires.Unix(), 10)
	return url.Values{"expires": {exp}, "token": {s.mac(documentID, exp)}}
}

func (s *Simulator) mac(documentID, expires string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(documentID + "\n" + expires))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (s *Simulator) handleDownload(w http.ResponseWriter, r *http.Request) {
	s.downloaded.Add(1)
	id := r.PathValue("documentId")
	q := r.URL.Query()
	exp, err := strconv.ParseInt(q.Get("expires"), 10, 64)
	if err != nil || !hmac.Equal([]byte(q.Get("token")), []byte(s.mac(id, q.Get("expires")))) {
		writeS3Error(w, http.StatusForbidden, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.", "")
		return
	}
	if now := s.cfg.Now(); now.Unix() > exp {
		writeS3Error(w, http.StatusForbidden, "AccessDenied", "Request has expired",
			fmt.Sprintf("<Expires>%s</Expires><ServerTime>%s</ServerTime>", time.Unix(exp, 0).UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339)))
		return
	}
	body := SimFile(id)
	if body == nil {
		writeS3Error(w, http.StatusNotFound, "NoSuchKey", "The specified key does not exist.", "")
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
}

// authorize returns the request's bearer token when it is live, or answers
// 401 as the seed does.
func (s *Simulator) authorize(w http.ResponseWriter, r *http.Request) (string, bool) {
	token := simulation.Bearer(r)
	s.mu.Lock()
	exp, known := s.tokens[token]
	s.mu.Unlock()
	if !known || !s.cfg.Now().Before(exp) {
		simulation.WriteJSON(w, http.StatusUnauthorized, APIError{Errors: []string{ErrInvalidBearer}})
		return "", false
	}
	return token, true
}

func (s *Simulator) revoke(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.tokens, token)
}

// publicURL returns the root of the download links for r.
func (s *Simulator) publicURL(r *http.Request) string {
	if s.cfg.PublicURL != "" {
		return s.cfg.PublicURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	// A http.StripPrefix in front of the simulator leaves the full path in
	// RequestURI: what it removed is the prefix of the links too.
	prefix := ""
	if u, err := url.ParseRequestURI(r.RequestURI); err == nil && strings.HasSuffix(u.Path, r.URL.Path) {
		prefix = strings.TrimSuffix(u.Path, r.URL.Path)
	}
	return scheme + "://" + r.Host + prefix
}

// SimFile returns the file the simulator serves for documentID, or nil for
// an id it does not know. A file of AppComplete is a PDF of exactly its
// listed fileSize, the same for the same id; AppMismatchSize's are longer,
// AppMismatchType's are PNG images.
func SimFile(documentID string) []byte {
	seed, app, ok := splitDocumentID(documentID)
	if !ok {
		return nil
	}
	_, b := kindOf(app)
	switch {
	case b.docs == nil:
		return nil
	case b.png:
		return simPNG(documentID, int(seed.FileSize))
	case b.longer:
		return simPDF(documentID, int(seed.FileSize)+extraBytes)
	default:
		return simPDF(documentID, int(seed.FileSize))
	}
}

// simPDF returns a small PDF of exactly size bytes that names id.
func simPDF(id string, size int) []byte {
	sum := sha256.Sum256([]byte(id))
	head := fmt.Appendf(nil, "%%PDF-1.4\n"+
		"%% FlexFactor simulator document\n"+
		"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"+
		"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"+
		"3 0 obj << /DocumentID (%s) /ID <%s> >> endobj\n", id, hex.EncodeToString(sum[:]))
	tail := []byte("trailer << /Root 1 0 R /Info 3 0 R >>\n%%EOF\n")
	return pad(head, tail, size, '%')
}

// simPNG returns size bytes that start as a PNG image and name id.
func simPNG(id string, size int) []byte {
	head := append([]byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}, "\x00\x00\x00\x0dIHDR"+id...)
	return pad(head, nil, size, 0)
}

// pad returns head, filler lines and tail, exactly size bytes long; at
// least head and tail when size is smaller.
func pad(head, tail []byte, size int, comment byte) []byte {
	b := append([]byte{}, head...)
	for n := size - len(head) - len(tail); n > 0; {
		line := min(n, 64)
		b = append(b, comment)
		b = append(b, strings.Repeat("0", line-1)...)
		if line > 1 {
			b[len(b)-1] = '\n'
		}
		n -= line
	}
	return append(b, tail...)
}

// writeS3Error answers like S3 refusing a pre-signed request.
func writeS3Error(w http.ResponseWriter, status int, code, message, extra string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<Error><Code>%s</Code><Message>%s</Message>%s<RequestId>FFSIM</RequestId></Error>`, code, message, extra)
}

func writeOAuthError(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Cache-Control", "no-store")
	simulation.WriteJSON(w, status, OAuthError{Code: code, Description: desc})
}

// faultBody is the body of an answer injected by simulation.Faults.
func faultBody(w http.ResponseWriter, status int) {
	msg := "Internal server error."
	if status == http.StatusTooManyRequests {
		msg = "Too many requests. Retry after the delay in Retry-After."
	}
	simulation.WriteJSON(w, status, APIError{Errors: []string{msg}})
}

// simulate is Provider.Simulate: a Simulator that accepts the settings s.
// Returning it as a provider.Simulator asserts that it is one.
func simulate(s provider.Settings, f simulation.Faults) provider.Simulator {
	return NewSimulator(SimConfig{ClientID: s.Get("CLIENT_ID"), ClientSecret: s.Get("CLIENT_SECRET"), Faults: f})
}
