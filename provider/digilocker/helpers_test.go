package digilocker

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/providertest"
	"github.com/bulkverify/bulkverify/provider/simulation"
)

const testSecret = "test-client-secret-7c41"

// testNow is the clock of every test client.
var testNow = providertest.Now

// newTestClient serves h and returns a Client for it.
func newTestClient(t *testing.T, h http.Handler) *Client {
	t.Helper()
	srv := providertest.Serve(t, h)
	return New(Config{Endpoint: srv.Endpoint(func() time.Time { return testNow }), ClientSecret: testSecret})
}

// newSimClient returns a simulator with faults and a Client for it.
func newSimClient(t *testing.T, faults simulation.Faults) (*Simulator, *Client) {
	t.Helper()
	sim := NewSimulator(SimConfig{ClientSecret: testSecret, Faults: faults})
	return sim, newTestClient(t, sim)
}

// wantEvidence checks the evidence of a file of uri, but its VerifiedAt,
// which the conformance suite checks.
func wantEvidence(t *testing.T, got bulkverify.Result, doctype, uri, issuer string) {
	t.Helper()
	sum := sha256.Sum256(SimFile(uri))
	want := bulkverify.Result{
		RowNumber: 7, ReferenceID: "ref-7", Status: got.Status, Code: got.Code, Message: got.Message, Retryable: got.Retryable,
		DocumentType: doctype, DocumentID: uri, Issuer: issuer,
		SHA256: hex.EncodeToString(sum[:]), Size: strconv.Itoa(len(SimFile(uri))), MIME: "application/pdf",
		VerifiedAt: got.VerifiedAt,
		// The claim columns are checked where claims are.
		DocumentNumberMatch: got.DocumentNumberMatch, NameMatch: got.NameMatch, NameScore: got.NameScore,
		DOBMatch: got.DOBMatch, GenderMatch: got.GenderMatch, DocumentValidUntil: got.DocumentValidUntil,
		ClaimsSource: got.ClaimsSource, TokenRefreshed: got.TokenRefreshed,
	}
	if got != want {
		t.Errorf("got evidence %+v,\nwant %+v", got, want)
	}
}
