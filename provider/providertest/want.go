package providertest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify"
)

// Want is what a test expects of Verify of a Row: a final result, or, when
// Op is set, a transient error.
type Want struct {
	// Status and Code are the final result's.
	Status bulkverify.Status
	Code   bulkverify.Code
	// Words are in the result's message, or in the transient error's
	// Reason.
	Words string
	// Provider, Op, HTTP and Wait are the transient error's Provider, Op,
	// StatusCode and RetryAfter.
	Provider string
	Op       string
	HTTP     int
	Wait     time.Duration
}

// Final returns the Want of a final result whose message holds words.
func Final(status bulkverify.Status, code bulkverify.Code, words string) Want {
	return Want{Status: status, Code: code, Words: words}
}

// Verified is the Want of a VERIFIED/OK result.
var Verified = Final(bulkverify.StatusVerified, bulkverify.CodeOK, "")

// Transient returns the Want of a transient error of provider's op with
// HTTP status (0 for no answer) whose Reason holds words.
func Transient(provider, op string, status int, words string) Want {
	return Want{Provider: provider, Op: op, HTTP: status, Words: words}
}

func (w Want) String() string {
	if w.Op != "" {
		return fmt.Sprintf("transient %s HTTP %d", w.Op, w.HTTP)
	}
	return string(w.Status) + " " + string(w.Code)
}

// Check fails unless res and err are what w wants. A final result must be
// of Row 7, "ref-7", not retryable, with a message.
func (w Want) Check(t *testing.T, res bulkverify.Result, err error) {
	t.Helper()
	if w.Op != "" {
		ue := UpstreamError(t, err)
		if ue.Provider != w.Provider || ue.Op != w.Op || ue.StatusCode != w.HTTP || ue.RetryAfter() != w.Wait || !strings.Contains(ue.Reason, w.Words) {
			t.Errorf("got UpstreamError{%s, %q, HTTP %d, wait %v, %q}, want {%s, %q, HTTP %d, wait %v, Reason with %q}",
				ue.Provider, ue.Op, ue.StatusCode, ue.RetryAfter(), ue.Reason, w.Provider, w.Op, w.HTTP, w.Wait, w.Words)
		}
		if res != (bulkverify.Result{}) {
			t.Errorf("got result %+v with the error, want none", res)
		}
		return
	}
	if err != nil {
		t.Fatalf("got error %v, want a result %s", err, w)
	}
	if res.Status != w.Status || res.Code != w.Code {
		t.Fatalf("got %s/%s (%s), want %s", res.Status, res.Code, res.Message, w)
	}
	if res.Message == "" || !strings.Contains(res.Message, w.Words) {
		t.Errorf("got message %q, want one that says %q", res.Message, w.Words)
	}
	if res.Retryable {
		t.Errorf("got retryable true, want false: submitting the row again cannot help")
	}
	if res.RowNumber != 7 || res.ReferenceID != "ref-7" {
		t.Errorf("got row %d reference %q, want 7 and ref-7", res.RowNumber, res.ReferenceID)
	}
}
