package providertest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/simulation"
)

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

func describe(spec bulkverify.Spec, row bulkverify.Row) string {
	var vals []string
	for _, c := range spec.UpstreamColumns() {
		if v := row.Get(c); v != "" {
			vals = append(vals, v)
		}
	}
	return "row " + strings.Join(vals, " ")
}

// testCutOffRefusal: an error answer whose body breaks off (its status
// sent, half its body, then the connection dropped) may have lost the code
// that said what went wrong: it is a transient error, never a final
// result read from the status alone.
func (f Fixture) testCutOffRefusal(t *testing.T) {
	for _, status := range []int{http.StatusBadRequest, http.StatusForbidden, http.StatusNotFound} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			e := f.serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body := `{"error":"invalid_request","error_description":"the answer breaks off here and never ends"}`
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Content-Length", fmt.Sprint(len(body)))
				w.WriteHeader(status)
				w.Write([]byte(body[:len(body)/3]))
				http.NewResponseController(w).Flush()
				panic(http.ErrAbortHandler) // net/http drops the connection
			}), 0)
			res, err := Verify(t, e.v, f.Verified)
			f.transient(t, res, err)
		})
	}
}
