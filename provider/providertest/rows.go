package providertest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider"
	"github.com/bulkverify/bulkverify/provider/simulation"
)

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
		if _, err := p.New(s, nil); err == nil || !strings.Contains(err.Error(), p.VarEnv(v)) {
			t.Errorf("New without %s got %v, want an error naming it", p.VarEnv(v), err)
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
