package providertest

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider"
	"github.com/bulkverify/bulkverify/provider/simulation"
)

// Run runs the conformance suite on p, whose clients the suite makes with

// p.New and whose simulators with p.Simulate, with what f says of it.

func Run(t *testing.T, p provider.Provider, f Fixture) {
	f.p = p
	f = f.withDefaults()
	if f.FirstOp == "" || f.Echo == nil || len(f.Invalid) == 0 || len(f.Example.Outcomes) == 0 {
		t.Fatal("the fixture lacks FirstOp, Echo, Invalid rows or the Example's Outcomes")
	}
	t.Run("the registration names its Spec, variables and secret columns, and New its missing variables", f.testRegistration)
	t.Run("the example CSV passes the Spec and ends as documented", f.testExample)
	t.Run("the claims example CSV has every claim column and ends as documented", f.testClaimsExample)
	t.Run("a row that verifies is VERIFIED with its evidence", f.testVerified)
	t.Run("a row that fails the Spec is FAILED INVALID_ROW without a request", f.testInvalid)
	t.Run("an injected 429 is an error whose RetryAfter is its Retry-After", f.testTooMany)
	t.Run("a 429 whose Retry-After is an HTTP date waits until that date", f.testRetryAfterDate)
	t.Run("the simulator's own rate limit is a 429 until a request is free", f.testRateLimit)
	t.Run("an injected 5xx is a transient error, not a result", f.testServerError)
	t.Run("an answer that is not the provider's is a transient error", f.testUnreadable)
	t.Run("an error answer cut off before its end is a transient error", f.testCutOffRefusal)
	t.Run("no answer is a transient error", f.testNoAnswer)
	t.Run("the simulator's transient rows are transient errors", f.testTransientRows)
	t.Run("no result or error shows a secret", f.testSecrets)
	t.Run("an upstream that echoes the secrets is redacted", f.testEcho)
	t.Run("one client verifies concurrent rows", f.testConcurrent)
	t.Run("each claim the provider checks matches and mismatches as documented", f.testClaims)
}

// env is a server, a client of it made by Provider.New and, when the
// server is a simulator, the simulator.
type env struct {
	*Server
	sim provider.Simulator
	v   bulkverify.Verifier
}

// start serves a simulator with faults and returns it with a client.

func (f Fixture) start(t *testing.T, faults simulation.Faults) *env {
	t.Helper()
	sim := f.p.Simulate(f.Settings, faults)
	e := f.serve(t, sim, 0)
	e.sim = sim
	return e
}

// serve serves h and returns a client of it whose HTTP client gives up

// after timeout, or VerifyTimeout when it is 0.

func (f Fixture) serve(t *testing.T, h http.Handler, timeout time.Duration) *env {
	t.Helper()
	srv := Serve(t, h)
	if timeout > 0 {
		srv.HTTP.Timeout = timeout
	}
	return &env{Server: srv, v: f.client(t, srv.URL, srv.HTTP)}
}

func (f Fixture) client(t *testing.T, baseURL string, hc *http.Client) bulkverify.Verifier {
	t.Helper()
	s := f.Settings
	s.BaseURL = baseURL
	v, err := f.p.New(s, hc)
	if err != nil {
		t.Fatalf("New got %v, want a client of the fixture's settings", err)
	}
	return v
}

// secrets returns the values of the secret Vars and of row's secret

// columns.

// transient fails unless err is a transient error of the fixture's

// provider, without a result, and returns it.

func (f Fixture) transient(t *testing.T, res bulkverify.Result, err error) *bulkverify.UpstreamError {
	t.Helper()
	ue := UpstreamError(t, err)
	if ue.Provider != f.p.Name {
		t.Errorf("got the error of provider %q, want %q", ue.Provider, f.p.Name)
	}
	if res != (bulkverify.Result{}) {
		t.Errorf("got result %+v with the error, want none", res)
	}
	return ue
}

// refusedAtOnce fails unless err is the transient error of an answer of

// HTTP status to Verified's first request, saying reason.

func (f Fixture) refusedAtOnce(t *testing.T, res bulkverify.Result, err error, status int, reason string) *bulkverify.UpstreamError {
	t.Helper()
	ue := f.transient(t, res, err)
	if ue.Op != f.FirstOp || ue.StatusCode != status || ue.Reason != reason {
		t.Errorf("got %q HTTP %d %q, want %q HTTP %d %q", ue.Op, ue.StatusCode, ue.Reason, f.FirstOp, status, reason)
	}
	return ue
}

// checkVerified fails unless res is the VERIFIED result of row, verified

// after since, with the provider's evidence.

func (f Fixture) checkVerified(t *testing.T, row bulkverify.Row, res bulkverify.Result, err error, since time.Time) {
	t.Helper()
	if err != nil || res.Status != bulkverify.StatusVerified || res.Code != bulkverify.CodeOK {
		t.Fatalf("got %s/%s, %v (%s), want VERIFIED/OK", res.Status, res.Code, err, res.Message)
	}
	if res.RowNumber != row.Number || res.ReferenceID != row.ReferenceID() || res.Retryable || res.Message == "" {
		t.Errorf("got row %d %q retryable %v message %q, want row %d %q, not retryable, a message",
			res.RowNumber, res.ReferenceID, res.Retryable, res.Message, row.Number, row.ReferenceID())
	}
	at, perr := time.Parse(time.RFC3339, res.VerifiedAt)
	if perr != nil || !strings.HasSuffix(res.VerifiedAt, "Z") || at.Before(since.Truncate(time.Second)) || at.After(time.Now()) {
		t.Errorf("got verified_at %q, want the time of the answer in UTC, RFC 3339 (after %s)", res.VerifiedAt, since.UTC().Format(time.RFC3339))
	}
	if f.Evidence != nil {
		f.Evidence(t, row, res)
	}
}

// describe names row by the values it sends upstream.

// NoSecret fails when res or err shows one of secrets, and returns what

// they show.
