package flexfactor

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/internal/clocktest"
	"github.com/bulkverify/bulkverify/provider/providertest"
)

const (
	testClientID = "test-client-id-51ab"
	testSecret   = "test-client-secret-7c41e9"
)

// testNow is where every test clock starts.
var testNow = time.Date(2024, 11, 16, 11, 30, 0, 0, time.FixedZone("EST", -5*3600))

// newClock returns a test clock at testNow.
func newClock() *clocktest.Clock { return clocktest.New(testNow) }

// env is a simulator, a server for it, and a Client of it whose requests
// are recorded; the simulator and the client share a fake clock.
type env struct {
	sim   *Simulator
	srv   *providertest.Server
	c     *Client
	rec   *providertest.Recorder
	clock *clocktest.Clock
}

// newEnv serves a simulator of cfg, with the test credentials and clock
// unless cfg sets them, and returns it with a Client for it.
func newEnv(t *testing.T, cfg SimConfig) *env {
	t.Helper()
	clk := newClock()
	if cfg.ClientID == "" && cfg.ClientSecret == "" {
		cfg.ClientID, cfg.ClientSecret = testClientID, testSecret
	}
	if cfg.Now == nil {
		cfg.Now = clk.Now
	}
	sim := NewSimulator(cfg)
	e := newStubEnv(t, sim, func(c *Config) { c.Now = clk.Now })
	e.sim, e.clock = sim, clk
	return e
}

// newStubEnv serves h and returns a Client for it with the test
// credentials and testNow; opts change its Config first.
func newStubEnv(t *testing.T, h http.Handler, opts ...func(*Config)) *env {
	t.Helper()
	srv := providertest.Serve(t, h)
	cfg := Config{Endpoint: srv.Endpoint(func() time.Time { return testNow }), ClientID: testClientID, ClientSecret: testSecret}
	return &env{srv: srv, c: New(providertest.Apply(cfg, opts...)), rec: srv.Recorder}
}

// appRow returns row 7 asking application app for types.
func appRow(app, types string) bulkverify.Row {
	return providertest.Row("application_id", app, "document_types", types)
}

var (
	final    = providertest.Final
	verified = final(bulkverify.StatusVerified, bulkverify.CodeOK, "every file has its listed size and type")
)

// transient is the Want of a transient error of op with HTTP status whose
// Reason holds words.
func transient(op string, status int, words string) providertest.Want {
	return providertest.Transient(Spec.Name, op, status, words)
}

// unavailable is the simulator's 503 to a list, which asks to wait 1s.
var unavailable = providertest.Want{Provider: Spec.Name, Op: OpList, HTTP: 503, Wait: time.Second, Words: UnavailableError}

// authOf returns the Authorization header of x.
func authOf(x providertest.Exchange) string { return x.Header.Get("Authorization") }

// wantEvidence checks the evidence of a verified row of application app
// and the seed document types, but its VerifiedAt, which the conformance
// suite checks.
func wantEvidence(t *testing.T, got bulkverify.Result, app string, types ...string) {
	t.Helper()
	var ids, sums, sizes, mimes []string
	for _, typ := range types {
		for _, d := range seedDocuments {
			if d.DocumentType == typ {
				id := simDocumentID(d.DocumentID, app)
				sum := sha256.Sum256(SimFile(id))
				ids, sums = append(ids, id), append(sums, hex.EncodeToString(sum[:]))
				sizes, mimes = append(sizes, strconv.FormatInt(d.FileSize, 10)), append(mimes, "application/pdf")
			}
		}
	}
	want := bulkverify.Result{
		RowNumber: 7, ReferenceID: "ref-7", Status: bulkverify.StatusVerified, Code: bulkverify.CodeOK, Message: got.Message,
		DocumentType: strings.Join(types, "|"), DocumentID: strings.Join(ids, "|"), Issuer: "FlexFactor",
		SHA256: strings.Join(sums, "|"), Size: strings.Join(sizes, "|"), MIME: strings.Join(mimes, "|"),
		VerifiedAt: got.VerifiedAt,
		// FlexFactor checks no claim: each is NOT_CLAIMED.
		DocumentNumberMatch: bulkverify.MatchNotClaimed, NameMatch: bulkverify.MatchNotClaimed,
		DOBMatch: bulkverify.MatchNotClaimed, GenderMatch: bulkverify.MatchNotClaimed,
	}
	if got != want {
		t.Errorf("got evidence %+v,\nwant %+v", got, want)
	}
}
