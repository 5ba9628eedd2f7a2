package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeThrottle keeps the failure counts in memory, with the semantics of
// storage.AuthThrottle: past limit failures a key is blocked for wait.
type fakeThrottle struct {
	mu    sync.Mutex
	limit int
	wait  time.Duration
	fails map[string]int
	// err, when set, is what every call returns: Redis is down.
	err error
}

func newFakeThrottle(limit int) *fakeThrottle {
	return &fakeThrottle{limit: limit, wait: 42 * time.Second, fails: map[string]int{}}
}

func (f *fakeThrottle) Failed(ctx context.Context, keys ...string) (time.Duration, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return 0, f.err
	}
	var wait time.Duration
	for _, k := range keys {
		if f.fails[k]++; f.fails[k] > f.limit {
			wait = f.wait
		}
	}
	return wait, nil
}

func (f *fakeThrottle) Blocked(ctx context.Context, keys ...string) (time.Duration, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return 0, f.err
	}
	for _, k := range keys {
		if f.fails[k] >= f.limit {
			return f.wait, nil
		}
	}
	return 0, nil
}

// counted returns the failures counted against key.
func (f *fakeThrottle) counted(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.fails[key]
}

type throttleBundle struct {
	handler  http.Handler
	throttle *fakeThrottle
	jwt      string
}

func setupThrottle(t *testing.T) throttleBundle {
	t.Helper()
	s := newAuthServer(time.Now)
	_, tok := authorize(t, s.Handler(), "acme", "s3cret") // before the throttle: no count
	th := newFakeThrottle(10)
	s.AuthThrottle, s.AuthFailuresPerMinute = th, 10
	return throttleBundle{handler: s.Handler(), throttle: th, jwt: tok["access_token"].(string)}
}

// answer is what a client sees of one attempt.
type answer struct {
	status     int
	subCode    string
	detail     string
	retryAfter string
}

func (a answer) String() string {
	return strings.Join([]string{http.StatusText(a.status), a.subCode, a.detail, "Retry-After=" + a.retryAfter}, " ")
}

func serve(h http.Handler, req *http.Request) answer {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var body struct {
		SubCode string `json:"sub_code"`
		Detail  string `json:"detail"`
	}
	json.Unmarshal(rec.Body.Bytes(), &body)
	return answer{rec.Code, body.SubCode, body.Detail, rec.Header().Get("Retry-After")}
}

// headerAttempt is a GET of the providers as clientID with key, from addr.
func headerAttempt(clientID, key, addr string) *http.Request {
	req := httptest.NewRequest(http.MethodGet, "/v1/providers", nil)
	req.RemoteAddr = addr
	req.Header.Set("client-id", clientID)
	req.Header.Set("x-api-key", key)
	return req
}

func formAttempt(clientID, secret, addr string) *http.Request {
	form := url.Values{"client_id": {clientID}, "client_secret": {secret}}
	req := httptest.NewRequest(http.MethodPost, "/v1/authorize", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.RemoteAddr = addr
	return req
}

func basicAttempt(clientID, secret, addr string) *http.Request {
	req := httptest.NewRequest(http.MethodGet, "/monitoring/", nil)
	req.RemoteAddr = addr
	req.SetBasicAuth(clientID, secret)
	return req
}

func jwtAttempt(token, key, addr string) *http.Request {
	req := httptest.NewRequest(http.MethodGet, "/v1/providers", nil)
	req.RemoteAddr = addr
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("x-api-key", key)
	return req
}

var (
	tooMany  = answer{status: http.StatusTooManyRequests, subCode: "TOO_MANY_ATTEMPTS", retryAfter: "42"}
	admitted = answer{status: http.StatusOK, subCode: "SUCCESS"}
)

func TestFailedAuthenticationIsThrottledPastTheLimit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// wrong is the nth wrong attempt, each from its own address so
		// that only the client id adds up.
		wrong func(n int) *http.Request
		// right is an attempt with the right secret.
		right     *http.Request
		wantFirst answer
	}{
		{
			name:      "wrong x-api-key headers",
			wrong:     func(n int) *http.Request { return headerAttempt("acme", "nope", addrN(n)) },
			right:     headerAttempt("acme", "s3cret", "198.51.100.1:1"),
			wantFirst: answer{status: http.StatusForbidden, detail: detailInvalidClient},
		},
		{
			name:      "wrong client secrets at /v1/authorize",
			wrong:     func(n int) *http.Request { return formAttempt("acme", "nope", addrN(n)) },
			right:     formAttempt("acme", "s3cret", "198.51.100.1:1"),
			wantFirst: answer{status: http.StatusUnauthorized, detail: detailBadSecret},
		},
		{
			name:      "wrong passwords at the queue monitor",
			wrong:     func(n int) *http.Request { return basicAttempt("acme", "nope", addrN(n)) },
			right:     basicAttempt("acme", "s3cret", "198.51.100.1:1"),
			wantFirst: answer{status: http.StatusForbidden, detail: "the queue monitor is for operators: add this client_id to BV_OPERATORS"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name+" get their usual answer 10 times, then 429 even with the right secret", func(t *testing.T) {
			b := setupThrottle(t)
			for n := 1; n <= 12; n++ {
				want := tt.wantFirst
				if n > 10 {
					want = tooMany
				}
				if got := serve(b.handler, tt.wrong(n)); got != want {
					t.Fatalf("attempt %d: got %v, want %v", n, got, want)
				}
			}
			if got := serve(b.handler, tt.right); got != tooMany {
				t.Errorf("the right secret: got %v, want %v", got, tooMany)
			}
		})
	}
}

// addrN is the nth address of a test network.
func addrN(n int) string { return fmt.Sprintf("203.0.113.%d:4242", n) }

func TestEachSourceAddressIsThrottledOnItsOwn(t *testing.T) {
	t.Parallel()
	b := setupThrottle(t)
	for n := 1; n <= 10; n++ {
		// A different client id each time: only the address adds up.
		serve(b.handler, headerAttempt(fmt.Sprintf("guess-%d", n), "nope", "192.0.2.7:1000"))
	}
	tests := []struct {
		name string
		req  *http.Request
		want answer
	}{
		{"the right secret from that address gets 429", headerAttempt("acme", "s3cret", "192.0.2.7:2000"), tooMany},
		{"a bad JWT from that address gets 429", jwtAttempt("not-a-jwt", "s3cret", "192.0.2.7:2000"), tooMany},
		{"the right secret from another address is admitted", headerAttempt("acme", "s3cret", "192.0.2.8:1000"), admitted},
		{"X-Forwarded-For does not change the address", func() *http.Request {
			r := headerAttempt("acme", "s3cret", "192.0.2.7:3000")
			r.Header.Set("X-Forwarded-For", "192.0.2.99")
			return r
		}(), tooMany},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := serve(b.handler, tt.req); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestWhatCountsAsAFailedAuthentication(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		req     func(jwt string) *http.Request
		want    answer
		counted []string
	}{
		{"a bad JWT counts against its address", func(string) *http.Request { return jwtAttempt("forged", "s3cret", "192.0.2.1:1") },
			answer{status: http.StatusUnauthorized, detail: detailBadCredentials}, []string{"addr:192.0.2.1"}},
		{"a JWT with a wrong key counts against its client and address", func(jwt string) *http.Request { return jwtAttempt(jwt, "nope", "192.0.2.1:1") },
			answer{status: http.StatusForbidden, detail: detailInvalidClient}, []string{"addr:192.0.2.1", "client:acme"}},
		{"an unknown client counts like a known one", func(string) *http.Request { return headerAttempt("ghost", "nope", "192.0.2.1:1") },
			answer{status: http.StatusForbidden, detail: detailInvalidClient}, []string{"addr:192.0.2.1", "client:ghost"}},
		{"an authorize form without client_id counts against its address", func(string) *http.Request { return formAttempt("", "nope", "192.0.2.1:1") },
			answer{status: http.StatusUnauthorized, detail: detailBadSecret}, []string{"addr:192.0.2.1"}},
		{"missing credentials count nothing", func(string) *http.Request { return headerAttempt("acme", "", "192.0.2.1:1") },
			answer{status: http.StatusUnauthorized, detail: detailNotAuthenticated}, nil},
		{"an IPv6 address counts by its /64", func(string) *http.Request { return headerAttempt("acme", "nope", "[2001:db8:1:2:aaaa::1]:1") },
			answer{status: http.StatusForbidden, detail: detailInvalidClient}, []string{"addr:2001:db8:1:2::/64", "client:acme"}},
		{"an IPv4-mapped address counts as IPv4", func(string) *http.Request { return headerAttempt("acme", "nope", "[::ffff:192.0.2.1]:1") },
			answer{status: http.StatusForbidden, detail: detailInvalidClient}, []string{"addr:192.0.2.1", "client:acme"}},
		{"the right secret counts nothing", func(string) *http.Request { return headerAttempt("acme", "s3cret", "192.0.2.1:1") },
			admitted, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := setupThrottle(t)
			if got := serve(b.handler, tt.req(b.jwt)); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			var counted []string
			for k := range b.throttle.fails {
				if b.throttle.counted(k) > 0 {
					counted = append(counted, k)
				}
			}
			slices.Sort(counted)
			if !slices.Equal(counted, tt.counted) {
				t.Errorf("got failures counted against %q, want %q", counted, tt.counted)
			}
		})
	}
}

func TestAnUnreachableThrottleLetsAuthenticationWorkAsBefore(t *testing.T) {
	t.Parallel()
	b := setupThrottle(t)
	b.throttle.err = errors.New("redis: connection refused")
	tests := []struct {
		name string
		req  *http.Request
		want answer
	}{
		{"the right secret is admitted", headerAttempt("acme", "s3cret", "192.0.2.1:1"), admitted},
		{"a wrong secret is denied", headerAttempt("acme", "nope", "192.0.2.1:1"), answer{status: http.StatusForbidden, detail: detailInvalidClient}},
		{"authorize gives a token", formAttempt("acme", "s3cret", "192.0.2.1:1"), answer{status: http.StatusOK}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := serve(b.handler, tt.req); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
