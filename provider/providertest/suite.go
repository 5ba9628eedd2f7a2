package providertest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
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
	t.Run("a row that verifies is VERIFIED with its evidence", f.testVerified)
	t.Run("a row that fails the Spec is FAILED INVALID_ROW without a request", f.testInvalid)
	t.Run("an injected 429 is an error whose RetryAfter is its Retry-After", f.testTooMany)
	t.Run("a 429 whose Retry-After is an HTTP date waits until that date", f.testRetryAfterDate)
	t.Run("the simulator's own rate limit is a 429 until a request is free", f.testRateLimit)
	t.Run("an injected 5xx is a transient error, not a result", f.testServerError)
	t.Run("an answer that is not the provider's is a transient error", f.testUnreadable)
	t.Run("no answer is a transient error", f.testNoAnswer)
	t.Run("the simulator's transient rows are transient errors", f.testTransientRows)
	t.Run("no result or error shows a secret", f.testSecrets)
	t.Run("an upstream that echoes the secrets is redacted", f.testEcho)
	t.Run("one client verifies concurrent rows", f.testConcurrent)
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
func (f Fixture) secrets(row bulkverify.Row) []string {
	var out []string
	for _, v := range f.p.Vars {
		if s := f.Settings.Get(v.Name); v.Secret && s != "" {
			out = append(out, s)
		}
	}
	for _, c := range f.SecretColumns {
		if s := row.Get(c); s != "" {
			out = append(out, s)
		}
	}
	return out
}

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

func (f Fixture) testRegistration(t *testing.T) {
	p := f.p
	if p.Spec.Name != p.Name || p.New == nil || p.Simulate == nil {
		t.Errorf("got Spec of %q, New %t, Simulate %t, want the Spec of %q and both", p.Spec.Name, p.New != nil, p.Simulate != nil, p.Name)
	}
	if p.Name != strings.ToLower(p.Name) || p.Name == "" {
		t.Errorf("got name %q, want a lower-case one", p.Name)
	}
	for _, v := range p.Vars {
		if v.Name == "" || v.Name != strings.ToUpper(v.Name) || v.Help == "" {
			t.Errorf("got variable %+v, want an upper-case name and a help text", v)
		}
	}
	for _, c := range f.SecretColumns {
		if !slices.Contains(p.Spec.Columns(), c) {
			t.Errorf("got secret column %q, want one of the Spec's %v", c, p.Spec.Columns())
		}
	}
	for _, v := range p.Vars {
		if !v.Required {
			continue
		}
		s := provider.Settings{BaseURL: "http://127.0.0.1:9", Values: maps.Clone(f.Settings.Values)}
		delete(s.Values, v.Name)
		if _, err := p.New(s, nil); err == nil || !strings.Contains(err.Error(), p.EnvPrefix()+v.Name) {
			t.Errorf("New without %s%s got %v, want an error naming it", p.EnvPrefix(), v.Name, err)
		}
	}
}

func (f Fixture) testVerified(t *testing.T) {
	e := f.start(t, simulation.Faults{})
	since := time.Now()
	res, err := Verify(t, e.v, f.Verified)
	f.checkVerified(t, f.Verified, res, err, since)
}

func (f Fixture) testInvalid(t *testing.T) {
	for _, row := range f.Invalid {
		reason := f.p.Spec.Validate(row)
		t.Run(fmt.Sprintf("a row the Spec refuses with %q", reason), func(t *testing.T) {
			if reason == "" {
				t.Fatalf("got row %v passing the Spec, want a fixture row that fails it", row.Fields)
			}
			e := f.start(t, simulation.Faults{})
			res, err := Verify(t, e.v, row)
			if err != nil || res.Status != bulkverify.StatusFailed || res.Code != bulkverify.CodeInvalidRow || res.Retryable {
				t.Errorf("got %s/%s retryable %v, %v, want FAILED/INVALID_ROW not retryable", res.Status, res.Code, res.Retryable, err)
			}
			if res.RowNumber != row.Number || res.ReferenceID != row.ReferenceID() || !strings.Contains(res.Message, reason) {
				t.Errorf("got row %d %q message %q, want row %d %q saying %q", res.RowNumber, res.ReferenceID, res.Message, row.Number, row.ReferenceID(), reason)
			}
			if n := e.sim.Stats().Requests; n != 0 {
				t.Errorf("got %d requests to the upstream, want none", n)
			}
		})
	}
}

func (f Fixture) testTooMany(t *testing.T) {
	e := f.start(t, simulation.Faults{TooManyRate: 1, RetryAfter: injectedWait})
	res, err := Verify(t, e.v, f.Verified)
	f.refusedAtOnce(t, res, err, http.StatusTooManyRequests, f.Reasons.TooMany)
	var delay interface{ RetryAfter() time.Duration }
	if !errors.As(err, &delay) || delay.RetryAfter() != injectedWait {
		t.Errorf("got error %v, want one whose RetryAfter() is %v", err, injectedWait)
	}
}

func (f Fixture) testRetryAfterDate(t *testing.T) {
	const wait = 90 * time.Second
	date := time.Now().Add(wait).UTC().Format(http.TimeFormat)
	e := f.serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", date)
		w.WriteHeader(http.StatusTooManyRequests)
	}), 0)
	res, err := Verify(t, e.v, f.Verified)
	ue := f.refusedAtOnce(t, res, err, http.StatusTooManyRequests, f.Reasons.Bare)
	if got := ue.RetryAfter(); got <= wait-10*time.Second || got > wait {
		t.Errorf("got RetryAfter %v, want the %v until %s", got, wait, date)
	}
}

func (f Fixture) testRateLimit(t *testing.T) {
	plain := f.start(t, simulation.Faults{})
	if _, err := Verify(t, plain.v, f.Verified); err != nil {
		t.Fatal(err)
	}
	n := plain.sim.Stats().Requests
	now := time.Date(2024, 3, 1, 10, 30, 0, 0, time.UTC)
	e := f.start(t, simulation.Faults{RateLimit: 0.5, Burst: int(n), Now: func() time.Time { return now }})
	since := time.Now()
	res, err := Verify(t, e.v, f.Verified)
	f.checkVerified(t, f.Verified, res, err, since)
	res, err = Verify(t, e.v, f.Verified)
	if ue := f.transient(t, res, err); ue.StatusCode != http.StatusTooManyRequests || ue.RetryAfter() != 2*time.Second {
		t.Errorf("got HTTP %d wait %v, want 429 and the 2s until the limit of one request every 2s frees one", ue.StatusCode, ue.RetryAfter())
	}
	if got, want := e.sim.Stats(), (simulation.Stats{Requests: n + 1, OK: n, Throttled: 1}); got != want {
		t.Errorf("got stats %+v, want %+v: the burst of %d, then one throttled", got, want, n)
	}
}

func (f Fixture) testServerError(t *testing.T) {
	e := f.start(t, simulation.Faults{ErrorRate: 1, ErrorStatus: http.StatusBadGateway})
	res, err := Verify(t, e.v, f.Verified)
	if ue := f.refusedAtOnce(t, res, err, http.StatusBadGateway, f.Reasons.ServerError); ue.RetryAfter() != 0 {
		t.Errorf("got RetryAfter %v, want none", ue.RetryAfter())
	}
}

func (f Fixture) testUnreadable(t *testing.T) {
	e := f.serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<html>maintenance</html>"))
	}), 0)
	res, err := Verify(t, e.v, f.Verified)
	if ue := f.refusedAtOnce(t, res, err, http.StatusOK, "unreadable answer"); ue.Err == nil {
		t.Error("got no cause, want the decoding error")
	}
}

func (f Fixture) testNoAnswer(t *testing.T) {
	t.Run("a refused connection is an error without a status", func(t *testing.T) {
		srv := Serve(t, http.NotFoundHandler())
		srv.Close()
		v := f.client(t, srv.URL, &http.Client{Timeout: VerifyTimeout})
		res, err := Verify(t, v, f.Verified)
		if ue := f.refusedAtOnce(t, res, err, 0, "no answer"); ue.Err == nil {
			t.Error("got no cause, want the connection's error")
		}
	})
	t.Run("a cancelled context stops the row and says so", func(t *testing.T) {
		e := f.start(t, simulation.Faults{})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		res, err := e.v.Verify(ctx, f.Verified)
		if f.transient(t, res, err); !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want it to wrap context.Canceled", err)
		}
	})
	t.Run("an upstream that hangs is cut off by the context's deadline", func(t *testing.T) {
		e := f.start(t, simulation.Faults{Latency: hang})
		ctx, cancel := context.WithTimeout(context.Background(), giveUp)
		defer cancel()
		res, err := e.v.Verify(ctx, f.Verified)
		if f.transient(t, res, err); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("got %v, want it to wrap context.DeadlineExceeded", err)
		}
	})
	t.Run("an upstream that hangs is cut off by the HTTP client's timeout", func(t *testing.T) {
		sim := f.p.Simulate(f.Settings, simulation.Faults{Latency: hang})
		e := f.serve(t, sim, giveUp)
		res, err := Verify(t, e.v, f.Verified)
		var timeout interface{ Timeout() bool }
		if ue := f.transient(t, res, err); ue.StatusCode != 0 || !errors.As(err, &timeout) || !timeout.Timeout() {
			t.Errorf("got HTTP %d %v, want no status and a timeout", ue.StatusCode, err)
		}
	})
}

func (f Fixture) testTransientRows(t *testing.T) {
	for _, tr := range f.Transient {
		var answers []string
		for _, w := range tr.Errors {
			answers = append(answers, fmt.Sprintf("HTTP %d", w.HTTP))
		}
		if tr.Then != "" {
			answers = append(answers, string(tr.Then))
		}
		name := describe(f.p.Spec, tr.Row) + " answers " + strings.Join(answers, ", then ")
		t.Run(name, func(t *testing.T) {
			e := f.start(t, simulation.Faults{})
			for i, want := range tr.Errors {
				if want.Op == "" {
					t.Fatalf("got a final Want at attempt %d, want Transient ones", i+1)
				}
				res, err := Verify(t, e.v, tr.Row)
				want.Check(t, res, err)
			}
			if tr.Then == "" {
				return
			}
			since := time.Now()
			res, err := Verify(t, e.v, tr.Row)
			if tr.Then == bulkverify.CodeOK {
				f.checkVerified(t, tr.Row, res, err, since)
			} else if err != nil || res.Code != tr.Then {
				t.Errorf("got %s, %v after the errors, want %s", res.Code, err, tr.Then)
			}
		})
	}
}

// describe names row by the values it sends upstream.
func describe(spec bulkverify.Spec, row bulkverify.Row) string {
	var vals []string
	for _, c := range spec.UpstreamColumns() {
		if v := row.Get(c); v != "" {
			vals = append(vals, v)
		}
	}
	return "row " + strings.Join(vals, " ")
}

// NoSecret fails when res or err shows one of secrets, and returns what
// they show.
func NoSecret(t *testing.T, secrets []string, res bulkverify.Result, err error) string {
	t.Helper()
	text := fmt.Sprintf("%+v", res)
	if err != nil {
		text += " " + err.Error()
	}
	for _, s := range secrets {
		if strings.Contains(text, s) {
			t.Errorf("got %q, want it without the secret %q", text, s)
		}
	}
	return text
}

func (f Fixture) testSecrets(t *testing.T) {
	rows := append([]bulkverify.Row{f.Verified}, f.Invalid...)
	for _, tr := range f.Transient {
		rows = append(rows, tr.Row)
	}
	rows = append(rows, f.Rows...)
	for _, faults := range []simulation.Faults{{}, {TooManyRate: 1}, {ErrorRate: 1}} {
		e := f.start(t, faults)
		looked := 0
		for _, row := range rows {
			secrets := f.secrets(row)
			looked += len(secrets)
			res, err := Verify(t, e.v, row)
			NoSecret(t, secrets, res, err)
		}
		if looked == 0 {
			t.Fatal("got no secret to look for, want the fixture's settings or rows to hold some")
		}
	}
}

func (f Fixture) testEcho(t *testing.T) {
	secrets := f.secrets(f.Verified)
	for _, status := range []int{400, 401, 403, 409, 429, 500, 503} {
		t.Run(fmt.Sprintf("in an HTTP %d answer", status), func(t *testing.T) {
			e := f.serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				f.Echo(w, r, status, "echo "+strings.Join(secrets, " and "))
			}), 0)
			res, err := Verify(t, e.v, f.Verified)
			if text := NoSecret(t, secrets, res, err); !strings.Contains(text, "echo [redacted]") {
				t.Errorf("got %q, want the echo shown with its secrets [redacted]", text)
			}
		})
	}
}

func (f Fixture) testConcurrent(t *testing.T) {
	e := f.start(t, simulation.Faults{Latency: time.Millisecond})
	var wg sync.WaitGroup
	for i := range 32 {
		row := f.Verified
		if i%4 == 3 {
			row = f.Invalid[i%len(f.Invalid)]
		}
		row.Number = 100 + i
		wg.Go(func() {
			res, err := e.v.Verify(context.Background(), row)
			switch {
			case err != nil:
				t.Errorf("row %d: got %v, want a result", row.Number, err)
			case res.RowNumber != row.Number:
				t.Errorf("row %d: got the result of row %d", row.Number, res.RowNumber)
			case f.p.Spec.Validate(row) != "" && res.Code != bulkverify.CodeInvalidRow:
				t.Errorf("row %d: got %s, want INVALID_ROW", row.Number, res.Code)
			case f.p.Spec.Validate(row) == "" && res.Code != bulkverify.CodeOK:
				t.Errorf("row %d: got %s (%s), want OK", row.Number, res.Code, res.Message)
			}
		})
	}
	wg.Wait()
	if got := e.sim.Stats(); got.Requests == 0 || got.Requests != got.OK {
		t.Errorf("got stats %+v, want every request answered OK", got)
	}
}
