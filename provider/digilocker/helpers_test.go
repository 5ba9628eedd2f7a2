package digilocker

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/simulation"
)

const testSecret = "test-client-secret-7c41"

// testNow is the clock of every test client.
var testNow = time.Date(2024, 3, 1, 10, 30, 0, 0, time.FixedZone("IST", 5*3600+1800))

// newTestClient serves h and returns a Client for it.
func newTestClient(t *testing.T, h http.Handler) *Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return New(Config{BaseURL: srv.URL + "/", ClientSecret: testSecret, HTTPClient: srv.Client(), Now: func() time.Time { return testNow }})
}

// newSimClient returns a simulator with faults and a Client for it.
func newSimClient(t *testing.T, faults simulation.Faults) (*Simulator, *Client) {
	t.Helper()
	sim := NewSimulator(SimConfig{ClientSecret: testSecret, Faults: faults})
	return sim, newTestClient(t, sim)
}

// newRow returns row 7 with reference_id "ref-7" and the given column, value
// pairs.
func newRow(pairs ...string) bulkverify.Row {
	f := map[string]string{"reference_id": "ref-7"}
	for i := 0; i+1 < len(pairs); i += 2 {
		f[pairs[i]] = pairs[i+1]
	}
	return bulkverify.Row{Number: 7, Fields: f}
}

// verify runs c on row with a deadline.
func verify(t *testing.T, c *Client, row bulkverify.Row) (bulkverify.Result, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return c.Verify(ctx, row)
}

// upstreamError returns err as a *bulkverify.UpstreamError or fails.
func upstreamError(t *testing.T, err error) *bulkverify.UpstreamError {
	t.Helper()
	var ue *bulkverify.UpstreamError
	if !errors.As(err, &ue) {
		t.Fatalf("got error %v (%T), want a *bulkverify.UpstreamError", err, err)
	}
	return ue
}

// wantEvidence checks the evidence of a verified file of uri.
func wantEvidence(t *testing.T, got bulkverify.Result, doctype, uri, issuer string) {
	t.Helper()
	sum := sha256.Sum256(SimFile(uri))
	want := bulkverify.Result{
		RowNumber: 7, ReferenceID: "ref-7", Status: got.Status, Code: got.Code, Message: got.Message, Retryable: got.Retryable,
		DocumentType: doctype, DocumentID: uri, Issuer: issuer,
		SHA256: hex.EncodeToString(sum[:]), Size: strconv.Itoa(len(SimFile(uri))), MIME: "application/pdf",
		VerifiedAt: got.VerifiedAt,
	}
	if got.Status == bulkverify.StatusVerified {
		want.VerifiedAt = "2024-03-01T05:00:00Z"
	}
	if got != want {
		t.Errorf("got evidence %+v,\nwant %+v", got, want)
	}
}
