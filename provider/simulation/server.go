package simulation

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
)

// Server is a simulator's routes behind its faults. A simulator embeds it
// to serve HTTP and count what it served.
type Server struct {
	faults  *Faults
	handler http.Handler
}

// Routes maps the ServeMux patterns of a simulated API, methods included,
// to their handlers.
type Routes map[string]http.HandlerFunc

// NewServer returns routes behind the faults f describes. An injected
// fault is answered by f.ErrorBody, or errorBody when f has none: the
// simulator's own error answer.
func NewServer(f Faults, errorBody func(w http.ResponseWriter, status int), routes Routes) Server {
	if f.ErrorBody == nil {
		f.ErrorBody = errorBody
	}
	mux := http.NewServeMux()
	for pattern, h := range routes {
		mux.HandleFunc(pattern, h)
	}
	return Server{faults: &f, handler: f.Wrap(mux)}
}

// ServeHTTP serves the simulated API.
func (s Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Stats returns the request counts so far.
func (s Server) Stats() Stats { return s.faults.Stats() }

// Kinds returns the keys of a simulator's table of kinds (accounts, users,
// transactions), sorted.
func Kinds[V any](table map[string]V) []string { return slices.Sorted(maps.Keys(table)) }

// Counter counts requests by key: an account, a user, a transaction. The
// zero value is ready, and it is safe for concurrent use.
type Counter struct {
	mu sync.Mutex
	n  map[string]int
}

// Add counts one more request of key and returns how many there have
// been.
func (c *Counter) Add(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[key]++
	return c.n[key]
}

// Bearer returns the token of r's Authorization header in the Bearer
// scheme, whatever its case, or "" when r has none.
func Bearer(r *http.Request) string {
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}

// WriteJSON answers with status and v as JSON, of Content-Type
// application/json unless w has one already.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
