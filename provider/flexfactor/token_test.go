package flexfactor

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/providertest"
)

func TestOneTokenServesConcurrentRows(t *testing.T) {
	e := newEnv(t, SimConfig{})
	const rows = 40
	var wg sync.WaitGroup
	results := make([]bulkverify.Result, rows)
	errs := make([]error, rows)
	for i := range rows {
		wg.Go(func() {
			results[i], errs[i] = e.c.Verify(context.Background(), appRow(fmt.Sprintf("complete-%04d", i), "ID"))
		})
	}
	wg.Wait()
	for i := range rows {
		if errs[i] != nil || results[i].Code != bulkverify.CodeOK {
			t.Errorf("row %d: got %s %q, %v, want OK", i, results[i].Code, results[i].Message, errs[i])
		}
	}
	if got := e.sim.Counts().TokensIssued; got != 1 {
		t.Errorf("got %d tokens issued, want 1 shared by %d rows", got, rows)
	}
	if got := len(e.rec.Exchanges("/oauth2/token")); got != 1 {
		t.Errorf("got %d token requests, want 1", got)
	}
}

func TestA401RefreshesTheTokenOnce(t *testing.T) {
	e := newEnv(t, SimConfig{})
	res, err := providertest.Verify(t, e.c, appRow("revoked-0001", allTypes))
	verified.Check(t, res, err)
	got := e.sim.Counts()
	if got.TokensIssued != 2 || got.Lists != 2 {
		t.Errorf("got %d tokens and %d lists, want 2 of each: the revoked token is replaced once", got.TokensIssued, got.Lists)
	}
	lists := e.rec.Exchanges("/v1/")
	if len(lists) == 2 && authOf(lists[0]) == authOf(lists[1]) {
		t.Errorf("got the list retried with the refused token %q, want a new one", authOf(lists[1]))
	}
	res, err = providertest.Verify(t, e.c, appRow("complete-0001", "ID"))
	verified.Check(t, res, err)
	if got := e.sim.Counts().TokensIssued; got != 2 {
		t.Errorf("got %d tokens issued, want the new token kept for the next row", got)
	}
}

func TestASecond401IsTokenInvalid(t *testing.T) {
	sim := NewSimulator(SimConfig{ClientID: testClientID, ClientSecret: testSecret})
	// Every list goes out with a token the simulator never issued.
	e := newStubEnv(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/v1/") {
			r.Header.Set("Authorization", "Bearer fft_never-issued")
		}
		sim.ServeHTTP(w, r)
	}))
	res, err := providertest.Verify(t, e.c, appRow("complete-0001", "ID"))
	final(bulkverify.StatusFailed, bulkverify.CodeTokenInvalid,
		"(HTTP 401: Authentication failed. Invalid bearer token.): check that BV_FLEXFACTOR_CLIENT_ID and BV_FLEXFACTOR_CLIENT_SECRET").Check(t, res, err)
	if got := sim.Counts(); got.TokensIssued != 2 || got.Lists != 0 || len(e.rec.Exchanges("/v1/")) != 2 {
		t.Errorf("got %d tokens and %d list requests, want 2 and 2: one refresh, then stop", got.TokensIssued, len(e.rec.Exchanges("/v1/")))
	}
}

func TestAnAgedTokenIsReplacedBeforeUse(t *testing.T) {
	e := newEnv(t, SimConfig{TokenTTL: 10 * time.Minute})
	steps := []struct {
		name    string
		advance time.Duration
		tokens  int64
	}{
		{"the first row fetches a token", 0, 1},
		{"a row 8 minutes later uses it", 8 * time.Minute, 1},
		{"a row within the last minute of its life fetches a new one", 90 * time.Second, 2},
		{"a row after the new one expired fetches another", 11 * time.Minute, 3},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			e.clock.Add(s.advance)
			res, err := providertest.Verify(t, e.c, appRow("complete-0001", "ID"))
			verified.Check(t, res, err)
			if got := e.sim.Counts().TokensIssued; got != s.tokens {
				t.Errorf("got %d tokens issued, want %d", got, s.tokens)
			}
		})
	}
	if got := e.sim.Stats().Rejected; got != 0 {
		t.Errorf("got %d refused requests, want none: no expired token is sent", got)
	}
}

func TestTokenEndpointRefusals(t *testing.T) {
	answer := func(status int, body string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Retry-After", "3")
			w.WriteHeader(status)
			w.Write([]byte(body))
		})
	}
	tests := []struct {
		name    string
		handler http.Handler
		want    providertest.Want
	}{
		{"a wrong client secret is TOKEN_INVALID", NewSimulator(SimConfig{ClientID: testClientID, ClientSecret: "another-secret"}),
			final(bulkverify.StatusFailed, bulkverify.CodeTokenInvalid, "(HTTP 401: invalid_client; Client authentication failed.): check BV_FLEXFACTOR_CLIENT_ID and BV_FLEXFACTOR_CLIENT_SECRET")},
		{"a wrong client id is TOKEN_INVALID", NewSimulator(SimConfig{ClientID: "another-id", ClientSecret: testSecret}),
			final(bulkverify.StatusFailed, bulkverify.CodeTokenInvalid, "invalid_client")},
		{"a 400 invalid_request is TOKEN_INVALID", answer(400, `{"error":"invalid_request"}`),
			final(bulkverify.StatusFailed, bulkverify.CodeTokenInvalid, "HTTP 400: invalid_request")},
		{"a 200 without a token is transient", answer(200, `{"token_type":"Bearer"}`),
			transient(OpToken, 200, "the answer holds no bearer token")},
		{"a 200 with a MAC token is transient", answer(200, `{"access_token":"mac-token-123456","token_type":"mac"}`),
			transient(OpToken, 200, "token_type mac")},
		{"a 503 is transient and waits its Retry-After", answer(503, `{"error":"temporarily_unavailable"}`),
			providertest.Want{Provider: Spec.Name, Op: OpToken, HTTP: 503, Wait: 3 * time.Second, Words: "temporarily_unavailable"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newStubEnv(t, tt.handler)
			for i := range 3 { // every row of the batch
				res, err := providertest.Verify(t, e.c, appRow(fmt.Sprintf("complete-%d", i), "ID"))
				tt.want.Check(t, res, err)
			}
			if got := len(e.rec.Exchanges("/v1/")); got != 0 {
				t.Errorf("got %d list requests, want none without a token", got)
			}
		})
	}
}

func TestTheTokenRequestIsClientSecretBasic(t *testing.T) {
	const id, secret = "client:id/1", "s3cr%t+with&odd=chars"
	var form url.Values
	var basic string
	var mu sync.Mutex
	sim := NewSimulator(SimConfig{ClientID: id, ClientSecret: secret})
	e := newStubEnv(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oauth2/token" {
			mu.Lock()
			r.ParseForm()
			form, basic = r.PostForm, r.Header.Get("Authorization")
			mu.Unlock()
		}
		sim.ServeHTTP(w, r)
	}), func(c *Config) { c.ClientID, c.ClientSecret = id, secret })
	res, err := providertest.Verify(t, e.c, appRow("complete-1", "ID"))
	verified.Check(t, res, err)
	mu.Lock()
	defer mu.Unlock()
	if got := form.Encode(); got != "grant_type=client_credentials" {
		t.Errorf("got form %q, want only grant_type=client_credentials", got)
	}
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id)+":"+url.QueryEscape(secret)))
	if basic != want {
		t.Errorf("got Authorization %q, want %q: the form-encoded id and secret (RFC 6749 §2.3.1)", basic, want)
	}
	if tok := e.rec.Exchanges("/oauth2/token"); len(tok) != 1 || tok[0].Method != http.MethodPost {
		t.Errorf("got token requests %v, want one POST", tok)
	}
}

func TestARowGivingUpDoesNotCancelTheSharedTokenRequest(t *testing.T) {
	sim := NewSimulator(SimConfig{ClientID: testClientID, ClientSecret: testSecret})
	arrived, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	e := newStubEnv(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oauth2/token" {
			once.Do(func() { close(arrived) })
			<-release
		}
		sim.ServeHTTP(w, r)
	}))
	var released sync.Once
	free := func() { released.Do(func() { close(release) }) }
	t.Cleanup(free) // before the server's Close, should the test stop early
	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan error)
	go func() {
		_, err := e.c.Verify(ctx, appRow("complete-1", "ID"))
		first <- err
	}()
	<-arrived
	second := make(chan bulkverify.Result)
	go func() {
		res, _ := providertest.Verify(t, e.c, appRow("complete-2", "ID"))
		second <- res
	}()
	waitFor(t, "the second row to wait for the token", func() bool {
		e.c.tokens.mu.Lock()
		defer e.c.tokens.mu.Unlock()
		return e.c.tokens.flight != nil && e.c.tokens.flight.waiters == 2
	})
	cancel()
	if err := <-first; err == nil || !strings.Contains(err.Error(), "context canceled") {
		t.Errorf("got %v, want the cancelled row to stop", err)
	}
	free()
	if res := <-second; res.Code != bulkverify.CodeOK {
		t.Errorf("got %s %q, want OK for the row still waiting", res.Code, res.Message)
	}
	if got := sim.Counts().TokensIssued; got != 1 {
		t.Errorf("got %d tokens issued, want the one request both rows waited for", got)
	}
}

// waitFor waits until cond holds, for at most 5 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}
