package digilocker

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/bulkverify/bulkverify/provider"
	"github.com/bulkverify/bulkverify/provider/simulation"
)

// SimConfig configures a Simulator.
type SimConfig struct {
	// ClientID and ClientSecret are the client's credentials the refresh
	// grant must present (HTTP Basic); with no ClientID every refresh
	// grant is answered invalid_client. ClientSecret also keys the hmac
	// header of the files and XML served.
	ClientID     string
	ClientSecret string
	// Faults adds latency, random errors and an own rate limit. Injected
	// 5xx answers carry unexpected_error, 429s too_many_requests.
	Faults simulation.Faults
}

// Simulator answers like the DigiLocker Requester API 1.12 for the calls
// the adapter makes (user details, issued documents, file, certificate
// XML, e-Aadhaar XML and the refresh grant), for the simulated accounts
// listed with AccountVerified. It is deterministic and safe for concurrent
// use.
type Simulator struct {
	simulation.Server
	clientID  []byte
	secret    []byte
	fileCalls simulation.Counter // file requests so far, by access token
	xmlCache  sync.Map           // xmlKey to the XML answer's bytes
}

// NewSimulator returns a Simulator for cfg.
func NewSimulator(cfg SimConfig) *Simulator {
	s := &Simulator{clientID: []byte(cfg.ClientID), secret: []byte(cfg.ClientSecret)}
	s.Server = simulation.NewServer(cfg.Faults, faultBody, simulation.Routes{
		"GET /oauth2/1/user":          s.handleUser,
		"GET /oauth2/2/files/issued":  s.handleIssued,
		"GET /oauth2/1/file/{uri...}": s.handleFile,
		"GET /oauth2/1/xml/{uri...}":  s.handleXML,
		"GET /oauth2/3/xml/eaadhaar":  s.handleEAadhaar,
		"POST /oauth2/1/token":        s.handleToken,
	})
	return s
}

// AccountNames returns the simulated account names, sorted.
func AccountNames() []string { return simulation.Kinds(accounts) }

func (s *Simulator) handleUser(w http.ResponseWriter, r *http.Request) {
	c, ok := authorize(w, r)
	if !ok {
		return
	}
	if c.userError != "" {
		writeError(w, c.userError)
		return
	}
	simulation.WriteJSON(w, http.StatusOK, c.user())
}

func (s *Simulator) handleIssued(w http.ResponseWriter, r *http.Request) {
	c, ok := authorize(w, r)
	if !ok {
		return
	}
	if c.listError != "" {
		writeError(w, c.listError)
		return
	}
	simulation.WriteJSON(w, http.StatusOK, struct {
		Items []simItem `json:"items"`
	}{c.docs})
}

func (s *Simulator) handleFile(w http.ResponseWriter, r *http.Request) {
	c, ok := authorize(w, r)
	if !ok {
		return
	}
	uri := strings.TrimSpace(r.PathValue("uri"))
	switch {
	case uri == "":
		writeError(w, "uri_missing")
		return
	case c.fileError != "":
		writeError(w, c.fileError)
		return
	case c.flaky && s.fileCalls.Add(c.token) == 1:
		writeError(w, "repository_service_unresponsive")
		return
	case !holds(c.docs, uri):
		writeError(w, "invalid_uri")
		return
	}
	body := SimFile(uri)
	signed := body
	if c.tampered {
		signed = append(append([]byte{}, body...), "tampered"...)
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Header().Set("hmac", s.sign(signed))
	w.Write(body)
}

// sign returns the Base64 HMAC-SHA256 of b keyed by the client secret, as
// the spec's hmac header.
func (s *Simulator) sign(b []byte) string {
	m := hmac.New(sha256.New, s.secret)
	m.Write(b)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// SimFile returns the file the simulator serves for uri: a small PDF that
// is the same for the same uri.
func SimFile(uri string) []byte {
	id := sha256.Sum256([]byte(uri))
	return fmt.Appendf(nil, "%%PDF-1.4\n"+
		"%% DigiLocker simulator document\n"+
		"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"+
		"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"+
		"3 0 obj << /URI (%s) /ID <%s> >> endobj\n"+
		"trailer << /Root 1 0 R /Info 3 0 R >>\n"+
		"%%%%EOF\n", uri, hex.EncodeToString(id[:]))
}

func holds(docs []simItem, uri string) bool {
	for _, d := range docs {
		if strings.TrimSpace(d.URI) == uri {
			return true
		}
	}
	return false
}

// caller is what a request's access token stands for.
type caller struct {
	behaviour
	token  string
	prefix string // the token's account part: the account, or person-<k>
	holder SimHolder
	docs   []simItem // the locker's items: the account's, or the person's
}

// authorize finds the caller of the request's bearer token, or answers
// 401 invalid_token.
func authorize(w http.ResponseWriter, r *http.Request) (caller, bool) {
	c, ok := lookup(simulation.Bearer(r))
	if !ok || c.refused {
		writeError(w, "invalid_token")
		return caller{}, false
	}
	return c, true
}

// lookup returns the caller of an access token: its account is the part
// before the first '-', and for AccountPerson the holder is SimHolders[k]
// of person-<k>-....
func lookup(token string) (caller, bool) {
	name, rest, _ := strings.Cut(token, "-")
	acct, known := accounts[name]
	if token == "" || !known {
		return caller{}, false
	}
	c := caller{behaviour: acct, token: token, prefix: name, holder: SimUserHolder, docs: acct.docs}
	if acct.holder != nil {
		c.holder = *acct.holder
	}
	if !acct.person {
		return c, true
	}
	k, _, _ := strings.Cut(rest, "-")
	n, err := strconv.ParseUint(k, 10, 64)
	if err != nil {
		return caller{}, false
	}
	c.prefix, c.holder = name+"-"+k, holderAt(n)
	c.docs = c.holder.docs()
	return c, true
}

// user returns the caller's DigiLocker profile: eaadhaar is N when the
// account has no e-Aadhaar.
func (c caller) user() User {
	if c.eaadhaarError != "" {
		return c.holder.user("N")
	}
	return c.holder.user("Y")
}

// writeError answers with code's status and body from the spec's tables.
func writeError(w http.ResponseWriter, code string) {
	status, desc := http.StatusInternalServerError, "Internal server error"
	if e, ok := specError(code); ok {
		status, desc = e.Status, e.Description
	}
	wire := code
	if code == "partner_service_unresponsive" {
		wire += " " // as in the spec's sample error response
	}
	writeErrorBody(w, status, wire, desc)
}

// faultBody is the body of an answer injected by simulation.Faults. The
// spec has no code for 429; too_many_requests is ours.
func faultBody(w http.ResponseWriter, status int) {
	if status == http.StatusTooManyRequests {
		writeErrorBody(w, status, "too_many_requests", "Too many requests: retry after the delay in Retry-After")
		return
	}
	writeErrorBody(w, status, "unexpected_error", "Internal server error")
}

func writeErrorBody(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	simulation.WriteJSON(w, status, struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}{code, desc})
}

// simulate is Provider.Simulate: a Simulator that accepts the settings s.
// Returning it as a provider.Simulator asserts that it is one.
func simulate(s provider.Settings, f simulation.Faults) provider.Simulator {
	return NewSimulator(SimConfig{ClientID: s.Get("CLIENT_ID"), ClientSecret: s.Get("CLIENT_SECRET"), Faults: f})
}
