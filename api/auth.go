package api

import (
	"context"
	"crypto/subtle"
	"net/http"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/bulkverify/bulkverify"
)

type tenantKey struct{}

// tenantFrom returns the client_id the request was authenticated as.
func tenantFrom(ctx context.Context) string {
	t, _ := ctx.Value(tenantKey{}).(string)
	return t
}

// The seeds' auth error details, word for word.
const (
	detailNotAuthenticated = "Not authenticated"
	detailInvalidClient    = "Invalid client_id, access Denied"
	detailBadCredentials   = "Could not validate credentials"
	detailBadSecret        = "Incorrect client_id or client_secret"
)

// authenticate admits a request that carries client-id and x-api-key, or a
// bearer JWT from /v1/authorize and x-api-key. A bad JWT or a wrong key
// counts against the throttle (by source address, and by client id when
// one is claimed); past its limit the answer is 429 TOO_MANY_ATTEMPTS,
// even to the right key. Missing credentials are no attempt.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		clientID, apiKey := r.Header.Get("client-id"), r.Header.Get("x-api-key")
		if scheme, bearer, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok && strings.EqualFold(scheme, "Bearer") {
			sub, err := s.parseJWT(strings.TrimSpace(bearer))
			if err != nil {
				if !s.authFailed(w, r, authKeys(r, "")) {
					s.Metrics.Errors.WithLabelValues("UNAUTHORIZED").Inc()
					writeDetail(w, http.StatusUnauthorized, detailBadCredentials)
				}
				return
			}
			clientID = sub
		}
		if clientID == "" || apiKey == "" {
			s.Metrics.Errors.WithLabelValues("UNAUTHORIZED").Inc()
			writeDetail(w, http.StatusUnauthorized, detailNotAuthenticated)
			return
		}
		keys := authKeys(r, clientID)
		if !s.secretMatches(clientID, apiKey) {
			if !s.authFailed(w, r, keys) {
				s.Metrics.Errors.WithLabelValues("FORBIDDEN").Inc()
				writeDetail(w, http.StatusForbidden, detailInvalidClient)
			}
			return
		}
		if s.authBlocked(w, r, keys) {
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), tenantKey{}, clientID)))
	})
}

func (s *Server) secretMatches(clientID, secret string) bool {
	want, ok := s.Clients[clientID]
	if !ok {
		// Compare anyway so that timing does not tell which ids exist.
		want = "\x00unknown-client"
	}
	return subtle.ConstantTimeCompare([]byte(want), []byte(secret)) == 1 && ok
}

func (s *Server) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		if timedOut(err) {
			s.writeError(w, r, bulkverify.Errorf(bulkverify.ERequestTimeout, "the form did not arrive within %s: send it again", s.BodyReadTimeout))
			return
		}
		writeDetail(w, http.StatusUnauthorized, detailBadSecret)
		return
	}
	clientID := r.PostForm.Get("client_id")
	keys := authKeys(r, clientID)
	if clientID == "" || !s.secretMatches(clientID, r.PostForm.Get("client_secret")) {
		if !s.authFailed(w, r, keys) {
			s.Metrics.Errors.WithLabelValues("UNAUTHORIZED").Inc()
			writeDetail(w, http.StatusUnauthorized, detailBadSecret)
		}
		return
	}
	if s.authBlocked(w, r, keys) {
		return
	}
	now := s.Now()
	token, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.RegisteredClaims{
		Subject:   clientID,
		IssuedAt:  jwt.NewNumericDate(now),
		ExpiresAt: jwt.NewNumericDate(now.Add(s.JWTTTL)),
		Issuer:    "bulkverify",
	}).SignedString(s.JWTSecret)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": token,
		"token_type":   "bearer",
		"expires_in":   int(s.JWTTTL / time.Second),
	})
}

func (s *Server) parseJWT(token string) (string, error) {
	claims := &jwt.RegisteredClaims{}
	_, err := jwt.ParseWithClaims(token, claims, func(*jwt.Token) (any, error) { return s.JWTSecret, nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithIssuer("bulkverify"), jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(s.Now))
	if err != nil {
		return "", err
	}
	return claims.Subject, nil
}
