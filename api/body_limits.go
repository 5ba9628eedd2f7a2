package api

import (
	"net/http"
	"slices"
	"time"
)

// maxSmallBody bounds the body of every request but an upload (the
// authorize form is a few hundred bytes).
const maxSmallBody = 64 << 10

// boundBodies gives the body of every request but an upload a size bound
// (maxSmallBody) and a read deadline (BodyReadTimeout), so that a client
// that sends headers and then stalls its body holds no handler, nor the
// server's read of what a handler left unread. Uploads, found by their
// route in mux, are bounded by guardBody instead: they may take long.
func (s *Server) boundBodies(mux *http.ServeMux, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.Body != http.NoBody {
			if _, pattern := mux.Handler(r); !slices.Contains(uploadRoutes, pattern) {
				s.boundBody(w, r)
			}
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) boundBody(w http.ResponseWriter, r *http.Request) {
	if s.BodyReadTimeout > 0 {
		rc := http.NewResponseController(w)
		// Once the body is read to its end the server lifts the deadline
		// itself, to watch the connection while the handler works.
		if err := rc.SetReadDeadline(time.Now().Add(s.BodyReadTimeout)); err != nil {
			s.Log.Warn("request bodies cannot be given a read deadline on this connection", "err", err)
		}
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxSmallBody)
}
