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

	"github.com/bulkverify/bulkverify/provider"
	"github.com/bulkverify/bulkverify/provider/simulation"
)

// SimConfig configures a Simulator.
type SimConfig struct {
	// ClientSecret keys the hmac header of the files served.
	ClientSecret string
	// Faults adds latency, random errors and an own rate limit. Injected
	// 5xx answers carry unexpected_error, 429s too_many_requests.
	Faults simulation.Faults
}

// Simulator answers like the DigiLocker Requester API 1.12 for the three
// calls the adapter makes, for the simulated accounts listed with
// AccountVerified. It is deterministic and safe for concurrent use.
type Simulator struct {
	simulation.Server
	secret    []byte
	fileCalls simulation.Counter // file requests so far, by access token
}

// NewSimulator returns a Simulator for cfg.
func NewSimulator(cfg SimConfig) *Simulator {
	s := &Simulator{secret: []byte(cfg.ClientSecret)}
	s.Server = simulation.NewServer(cfg.Faults, faultBody, simulation.Routes{
		"GET /oauth2/1/user":          s.handleUser,
		"GET /oauth2/2/files/issued":  s.handleIssued,
		"GET /oauth2/1/file/{uri...}": s.handleFile,
	})
	return s
}

// AccountNames returns the simulated account names, sorted.
func AccountNames() []string { return simulation.Kinds(accounts) }

func (s *Simulator) handleUser(w http.ResponseWriter, r *http.Request) {
	acct, _, ok := authorize(w, r)
	if !ok {
		return
	}
	if acct.userError != "" {
		writeError(w, acct.userError)
		return
	}
	simulation.WriteJSON(w, http.StatusOK, SimUser)
}

func (s *Simulator) handleIssued(w http.ResponseWriter, r *http.Request) {
	acct, _, ok := authorize(w, r)
	if !ok {
		return
	}
	if acct.listError != "" {
		writeError(w, acct.listError)
		return
	}
	simulation.WriteJSON(w, http.StatusOK, struct {
		Items []simItem `json:"items"`
	}{acct.docs})
}

func (s *Simulator) handleFile(w http.ResponseWriter, r *http.Request) {
	acct, token, ok := authorize(w, r)
	if !ok {
		return
	}
	uri := strings.TrimSpace(r.PathValue("uri"))
	switch {
	case uri == "":
		writeError(w, "uri_missing")
		return
	case acct.fileError != "":
		writeError(w, acct.fileError)
		return
	case acct.flaky && s.fileCalls.Add(token) == 1:
		writeError(w, "repository_service_unresponsive")
		return
	case !holds(acct.docs, uri):
		writeError(w, "invalid_uri")
		return
	}
	body := SimFile(uri)
	signed := body
	if acct.tampered {
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

// authorize finds the account of the request's bearer token, or answers
// 401 invalid_token.
func authorize(w http.ResponseWriter, r *http.Request) (behaviour, string, bool) {
	token := simulation.Bearer(r)
	name, _, _ := strings.Cut(token, "-")
	acct, known := accounts[name]
	if token == "" || !known || name == AccountInvalid {
		writeError(w, "invalid_token")
		return behaviour{}, "", false
	}
	return acct, token, true
}

// writeError answers with code's status and body from the spec's tables.
func writeError(w http.ResponseWriter, code string) {
	status, desc := http.StatusInternalServerError, "Internal server error"
	for _, e := range SpecErrors {
		if e.Code == code {
			status, desc = e.Status, e.Description
			break
		}
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
	return NewSimulator(SimConfig{ClientSecret: s.Get("CLIENT_SECRET"), Faults: f})
}
