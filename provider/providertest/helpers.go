package providertest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify"
)

// VerifyTimeout bounds every Verify call of Verify and Settle.
const VerifyTimeout = 10 * time.Second

// Now is where the clock of a provider's tests stands: a fixed instant in
// a zone other than UTC (05:00 UTC), so that a result's VerifiedAt shows
// it converted.
var Now = time.Date(2024, 3, 1, 10, 30, 0, 0, time.FixedZone("IST", 5*3600+1800))

// Row returns row 7 with reference_id "ref-7" and the given column, value
// pairs.
func Row(pairs ...string) bulkverify.Row {
	f := map[string]string{"reference_id": "ref-7"}
	for i := 0; i+1 < len(pairs); i += 2 {
		f[pairs[i]] = pairs[i+1]
	}
	return bulkverify.Row{Number: 7, Fields: f}
}

// Verify runs v on row under VerifyTimeout.
func Verify(t *testing.T, v bulkverify.Verifier, row bulkverify.Row) (bulkverify.Result, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), VerifyTimeout)
	defer cancel()
	return v.Verify(ctx, row)
}

// UpstreamError returns err as a *bulkverify.UpstreamError or fails.
func UpstreamError(t *testing.T, err error) *bulkverify.UpstreamError {
	t.Helper()
	var ue *bulkverify.UpstreamError
	if !errors.As(err, &ue) {
		t.Fatalf("got error %v (%T), want a *bulkverify.UpstreamError", err, err)
	}
	return ue
}

// Settle makes up to attempts attempts of row, as the worker does while
// the errors are transient, and returns the final code:
// UPSTREAM_UNAVAILABLE when every attempt failed. Every error must be a
// *bulkverify.UpstreamError of provider.
func Settle(t *testing.T, v bulkverify.Verifier, provider string, row bulkverify.Row, attempts int) bulkverify.Code {
	t.Helper()
	for range attempts {
		res, err := Verify(t, v, row)
		if err == nil {
			return res.Code
		}
		if ue := UpstreamError(t, err); ue.Provider != provider {
			t.Errorf("got an UpstreamError of provider %q, want %q", ue.Provider, provider)
		}
	}
	return bulkverify.CodeUpstreamUnavailable
}
