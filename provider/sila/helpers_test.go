package sila

import (
	"net/http"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify/provider/providertest"
	"github.com/bulkverify/bulkverify/provider/simulation"
)

const (
	testToken = "sila-test-token-0123456789abcdef"
	testApp   = "bulkverify.silamoney.eth"
)

// testNow is the clock of every test client.
var testNow = providertest.Now

// newTestClient serves h and returns a Client for it, with the test token
// and app handle.
func newTestClient(t *testing.T, h http.Handler) *Client {
	t.Helper()
	c, _ := newRecordedClient(t, h)
	return c
}

// newRecordedClient serves h and returns a Client for it, with the test
// token and app handle, and the recorder of what it exchanges.
func newRecordedClient(t *testing.T, h http.Handler) (*Client, *providertest.Recorder) {
	t.Helper()
	srv := providertest.Serve(t, h)
	return New(Config{Endpoint: srv.Endpoint(func() time.Time { return testNow }), AccessToken: testToken, AppHandle: testApp}), srv.Recorder
}

// newSim returns a simulator that accepts the test token and app handle.
func newSim(faults simulation.Faults) *Simulator {
	return NewSimulator(SimConfig{AccessToken: testToken, AppHandle: testApp, Faults: faults})
}

// newSimClient returns a simulator with faults and a Client for it.
func newSimClient(t *testing.T, faults simulation.Faults) (*Simulator, *Client) {
	t.Helper()
	sim := newSim(faults)
	return sim, newTestClient(t, sim)
}
