package deepvue

import (
	"net/http"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/providertest"
)

const (
	testClientID = "dv-client-4f2a"
	testSecret   = "dv-api-key-9b1c7e5d3a"
)

// testNow is the clock of every test client.
var testNow = providertest.Now

// env is a server, a Client of it whose exchanges are recorded and, when
// the server is a simulator, the simulator.
type env struct {
	sim *Simulator
	c   *Client
	rec *providertest.Recorder
}

// newEnv serves a simulator that accepts the test credentials, with
// faults, and returns it with a Client for it; opts change the Client's
// Config first.
func newEnv(t *testing.T, cfg SimConfig, opts ...func(*Config)) *env {
	t.Helper()
	if cfg.ClientID == "" && cfg.ClientSecret == "" {
		cfg.ClientID, cfg.ClientSecret = testClientID, testSecret
	}
	sim := NewSimulator(cfg)
	e := newStubEnv(t, sim, opts...)
	e.sim = sim
	return e
}

// newStubEnv serves h and returns a Client for it with the test
// credentials and testNow; opts change its Config first.
func newStubEnv(t *testing.T, h http.Handler, opts ...func(*Config)) *env {
	t.Helper()
	srv := providertest.Serve(t, h)
	cfg := Config{Endpoint: srv.Endpoint(func() time.Time { return testNow }), ClientID: testClientID, ClientSecret: testSecret}
	return &env{c: New(providertest.Apply(cfg, opts...)), rec: srv.Recorder}
}

// dvRow returns row 7, reference "ref-7", asking transaction txn for
// doctype with consent, and any further column, value pairs.
func dvRow(txn, doctype, consent string, pairs ...string) bulkverify.Row {
	return providertest.Row(append([]string{ColTransactionID, txn, ColDocType, doctype, ColConsent, consent}, pairs...)...)
}

// wantTransient returns err as a *bulkverify.UpstreamError of this
// provider, or fails.
func wantTransient(t *testing.T, err error) *bulkverify.UpstreamError {
	t.Helper()
	ue := providertest.UpstreamError(t, err)
	if ue.Provider != Spec.Name || ue.Op != OpList {
		t.Errorf("got provider %q op %q, want %q %q", ue.Provider, ue.Op, Spec.Name, OpList)
	}
	return ue
}
