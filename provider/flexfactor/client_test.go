package flexfactor

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/simulation"
)

const allTypes = "ID|ProofOfAddress|BusinessLicense"

// applicationCases are the outcomes of a first row of each application kind.
var applicationCases = []struct {
	app, types string
	want       outcome
}{
	{AppComplete + "-0001", allTypes, verified},
	{AppComplete + "-0002", "BusinessLicense", verified},
	{AppComplete + "-0003", "ID | ID|ProofOfAddress", verified},
	{AppComplete + "-0004", "id", final(bulkverify.StatusNotVerified, bulkverify.CodeDocumentNotFound,
		`has no id document (it holds only ID, ProofOfAddress, BusinessLicense; types are case-sensitive)`)},
	{AppPartial + "-0001", "ID", verified},
	{AppPartial + "-0002", allTypes, final(bulkverify.StatusNotVerified, bulkverify.CodeDocumentNotFound,
		"has no ProofOfAddress, BusinessLicense document (it holds only ID")},
	{AppMismatchSize + "-0001", "ID", final(bulkverify.StatusNotVerified, bulkverify.CodeIntegrityFailed,
		"size check failed: the file goes on past its listed fileSize 2048 (at least 2049 bytes)")},
	{AppMismatchType + "-0001", "ProofOfAddress", final(bulkverify.StatusNotVerified, bulkverify.CodeIntegrityFailed,
		"type check failed: the listed fileType is application/pdf, but the file does not start with its magic number \"%PDF-\" (it looks like image/png)")},
	{AppOffsite + "-0001", "ID", final(bulkverify.StatusNotVerified, bulkverify.CodeUntrustedDownloadURL,
		"is on host files.evil.example, which is not among the allowed download hosts")},
	{AppExpiring + "-0001", allTypes, verified},
	{AppUnknown + "-0001", "ID", final(bulkverify.StatusNotVerified, bulkverify.CodeApplicationNotFound,
		`FlexFactor has no application "unknown-0001" (HTTP 404: Invalid application ID.)`)},
	{"stranger-0001", "ID", final(bulkverify.StatusNotVerified, bulkverify.CodeApplicationNotFound, "HTTP 404: Invalid application ID.")},
	{AppInvalid + "-0001", "ID", final(bulkverify.StatusNotVerified, bulkverify.CodeApplicationNotFound,
		"HTTP 200 success:false: Invalid application ID.")},
	{AppFailed + "-0001", "ID", final(bulkverify.StatusFailed, bulkverify.CodeUpstreamRejected, FailedError)},
	{AppFlaky + "-0001", "ID", transient(OpList, 503, UnavailableError)},
	{AppDown + "-0001", "ID", transient(OpList, 503, UnavailableError)},
	{AppRevoked + "-0001", allTypes, verified},
}

func TestVerifyEveryApplication(t *testing.T) {
	for _, tt := range applicationCases {
		t.Run("a row of "+tt.types+" of application "+tt.app+" is "+tt.want.String(), func(t *testing.T) {
			e := newEnv(t, SimConfig{})
			res, err := verify(t, e.c, appRow(tt.app, tt.types))
			tt.want.check(t, res, err)
			if tt.want == verified {
				wantEvidence(t, res, tt.app, distinct(bulkverify.SplitList(tt.types))...)
			}
		})
	}
}

func TestEveryApplicationHasACase(t *testing.T) {
	tested := map[string]bool{}
	for _, c := range applicationCases {
		kind, _ := kindOf(c.app)
		tested[kind] = true
	}
	for _, k := range ApplicationKinds() {
		if !tested[k] {
			t.Errorf("got application kind %s without a case in applicationCases, want every kind tested", k)
		}
	}
}

func TestAFlakyApplicationSucceedsOnTheSecondAttempt(t *testing.T) {
	e := newEnv(t, SimConfig{})
	row := appRow(AppFlaky+"-0001", allTypes)
	_, err := verify(t, e.c, row)
	if ue := upstreamError(t, err); ue.StatusCode != 503 || ue.RetryAfter() != time.Second {
		t.Errorf("got HTTP %d wait %v, want 503 and the simulator's Retry-After of 1s", ue.StatusCode, ue.RetryAfter())
	}
	res, err := verify(t, e.c, row)
	verified.check(t, res, err)
	wantEvidence(t, res, AppFlaky+"-0001", "ID", "ProofOfAddress", "BusinessLicense")
}

func TestInvalidRowsMakeNoRequest(t *testing.T) {
	tests := []struct {
		name  string
		row   bulkverify.Row
		words string
	}{
		{"a row without document_types", appRow("complete-1", ""), "required value missing: document_types"},
		{"a row whose document_types are only separators", appRow("complete-1", " | |"), "document_types lists no document type"},
		{"a row without application_id", appRow("", "ID"), "required value missing: application_id"},
		{"a row whose application_id has a slash", appRow("complete-1/../../admin", "ID"), "contains characters an application id cannot have"},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is FAILED INVALID_ROW without a request", func(t *testing.T) {
			e := newEnv(t, SimConfig{})
			res, err := verify(t, e.c, tt.row)
			final(bulkverify.StatusFailed, bulkverify.CodeInvalidRow, tt.words).check(t, res, err)
			if got := e.sim.Stats().Requests; got != 0 {
				t.Errorf("got %d requests, want none", got)
			}
		})
	}
}

func TestTheApplicationIDIsPathEscaped(t *testing.T) {
	e := newEnv(t, SimConfig{})
	res, err := verify(t, e.c, appRow("complete-ünï+cödé", "ID"))
	verified.check(t, res, err)
	lists := e.rec.sent("/v1/")
	if len(lists) != 1 || lists[0].url.EscapedPath() != "/v1/onboarding/application/complete-%C3%BCn%C3%AF+c%C3%B6d%C3%A9/documents/" {
		t.Errorf("got list requests %v, want one to the escaped id with the trailing slash", lists)
	}
}

func TestRetryAfterReachesTheUpstreamError(t *testing.T) {
	t.Run("an injected 429 carries its Retry-After seconds", func(t *testing.T) {
		e := newEnv(t, SimConfig{Faults: simulation.Faults{TooManyRate: 1, RetryAfter: 7 * time.Second}})
		_, err := verify(t, e.c, appRow("complete-1", "ID"))
		ue := upstreamError(t, err)
		if ue.StatusCode != 429 || ue.RetryAfter() != 7*time.Second || ue.Op != OpToken || !strings.Contains(ue.Reason, "Too many requests") {
			t.Errorf("got %s HTTP %d wait %v reason %q, want the token request's 429, 7s, Too many requests", ue.Op, ue.StatusCode, ue.RetryAfter(), ue.Reason)
		}
	})
	t.Run("a 429 with an HTTP date waits until that date", func(t *testing.T) {
		e := newStubEnv(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", testNow.Add(90*time.Second).UTC().Format(http.TimeFormat))
			w.WriteHeader(http.StatusTooManyRequests)
		}))
		_, err := verify(t, e.c, appRow("complete-1", "ID"))
		if ue := upstreamError(t, err); ue.StatusCode != 429 || ue.Wait != 90*time.Second {
			t.Errorf("got HTTP %d wait %v, want 429 and 1m30s", ue.StatusCode, ue.Wait)
		}
	})
	t.Run("the simulator's own rate limit throttles the list with Retry-After", func(t *testing.T) {
		now := testNow
		e := newEnv(t, SimConfig{Faults: simulation.Faults{RateLimit: 1, Burst: 3, Now: func() time.Time { return now }}})
		res, err := verify(t, e.c, appRow("complete-1", "ID")) // three requests: token, list, download
		if err != nil || res.Code != bulkverify.CodeOK {
			t.Fatalf("got %s, %v, want OK within the burst", res.Code, err)
		}
		_, err = verify(t, e.c, appRow("complete-2", "ID"))
		if ue := upstreamError(t, err); ue.StatusCode != 429 || ue.Wait != time.Second || ue.Op != OpList {
			t.Errorf("got %s HTTP %d wait %v, want %s HTTP 429 wait 1s", ue.Op, ue.StatusCode, ue.Wait, OpList)
		}
		if got := e.sim.Stats(); got.Requests != 4 || got.Throttled != 1 || got.OK != 3 {
			t.Errorf("got stats %+v, want 4 requests, 3 OK, 1 throttled", got)
		}
	})
}

func TestNoAnswerIsTransient(t *testing.T) {
	t.Run("a refused connection is an UpstreamError without status", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		srv.Close()
		c := New(Config{BaseURL: srv.URL, ClientID: testClientID, ClientSecret: testSecret})
		_, err := verify(t, c, appRow("complete-1", "ID"))
		if ue := upstreamError(t, err); ue.StatusCode != 0 || ue.Op != OpToken || ue.Err == nil {
			t.Errorf("got %s HTTP %d err %v, want %s, no status, a cause", ue.Op, ue.StatusCode, ue.Err, OpToken)
		}
	})
	t.Run("a cancelled context stops the row and says so", func(t *testing.T) {
		e := newEnv(t, SimConfig{})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := e.c.Verify(ctx, appRow("complete-1", "ID"))
		upstreamError(t, err)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want it to wrap context.Canceled", err)
		}
	})
	t.Run("a slow upstream is cut off by the context deadline", func(t *testing.T) {
		e := newEnv(t, SimConfig{Faults: simulation.Faults{Latency: time.Hour}})
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		_, err := e.c.Verify(ctx, appRow("complete-1", "ID"))
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("got %v, want it to wrap context.DeadlineExceeded", err)
		}
	})
	t.Run("a list answer that is not JSON is transient", func(t *testing.T) {
		sim := NewSimulator(SimConfig{ClientID: testClientID, ClientSecret: testSecret})
		e := newStubEnv(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/v1/") {
				w.Write([]byte("<html>maintenance</html>"))
				return
			}
			sim.ServeHTTP(w, r)
		}))
		_, err := verify(t, e.c, appRow("complete-1", "ID"))
		transient(OpList, 200, "unreadable answer").check(t, bulkverify.Result{}, err)
	})
}
