package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify/internal/redistest"
	"github.com/bulkverify/bulkverify/provider/deepvue"
	"github.com/bulkverify/bulkverify/provider/providers"
)

// exampleWant is how every row of examples/<provider>.csv must end, by
// reference_id, per the simulators' documented accounts
// (provider/*/accounts.go, users.go, applications.go).
var exampleWant = map[string]string{
	"deepvue": `
DV-0001 VERIFIED OK
DV-0002 VERIFIED OK
DV-0003 VERIFIED OK
DV-0004 VERIFIED OK
DV-0005 VERIFIED OK
DV-0006 NOT_VERIFIED DOCUMENT_NOT_FOUND
DV-0007 NOT_VERIFIED DOCUMENT_NOT_FOUND
DV-0008 FAILED CONSENT_REQUIRED
DV-0009 FAILED CONSENT_REQUIRED
DV-0010 FAILED CONSENT_REQUIRED
DV-0011 FAILED INVALID_ROW
DV-0012 FAILED INVALID_ROW
DV-0013 FAILED SESSION_EXPIRED
DV-0014 FAILED TOKEN_INVALID
DV-0015 FAILED UPSTREAM_UNAVAILABLE
DV-0016 FAILED UPSTREAM_UNAVAILABLE
DV-0018 VERIFIED OK
DV-0019 NOT_VERIFIED DOCUMENT_NUMBER_MISMATCH
DV-0020 VERIFIED OK
DV-0021 VERIFIED OK
DV-0022 NOT_VERIFIED CLAIM_UNVERIFIABLE
DV-0023 FAILED INVALID_ROW`,
	"digilocker": `
DL-0001 VERIFIED OK
DL-0002 VERIFIED OK
DL-0003 VERIFIED OK
DL-0004 VERIFIED OK
DL-0005 VERIFIED OK
DL-0006 VERIFIED OK
DL-0007 VERIFIED OK
DL-0008 VERIFIED OK
DL-0009 VERIFIED OK
DL-0010 VERIFIED OK
DL-0011 NOT_VERIFIED NAME_MISMATCH
DL-0012 NOT_VERIFIED NAME_MISMATCH
DL-0013 NOT_VERIFIED DOB_MISMATCH
DL-0014 NOT_VERIFIED DOCUMENT_NOT_FOUND
DL-0015 NOT_VERIFIED DOCUMENT_NOT_FOUND
DL-0016 NOT_VERIFIED DOCUMENT_NOT_FOUND
DL-0017 NOT_VERIFIED DOCUMENT_NOT_FOUND
DL-0018 VERIFIED OK
DL-0019 NOT_VERIFIED INTEGRITY_FAILED
DL-0020 NOT_VERIFIED INTEGRITY_FAILED
DL-0021 FAILED TOKEN_INVALID
DL-0022 FAILED TOKEN_INVALID
DL-0023 FAILED CONSENT_REQUIRED
DL-0024 NOT_VERIFIED DOCUMENT_NOT_FOUND
DL-0025 VERIFIED OK
DL-0026 VERIFIED OK
DL-0027 FAILED UPSTREAM_UNAVAILABLE
DL-0028 FAILED UPSTREAM_UNAVAILABLE
DL-0029 FAILED UPSTREAM_UNAVAILABLE
DL-0030 FAILED UPSTREAM_UNAVAILABLE
DL-0031 FAILED UPSTREAM_UNAVAILABLE
DL-0032 FAILED UPSTREAM_UNAVAILABLE
DL-0033 FAILED UPSTREAM_UNAVAILABLE
DL-0034 FAILED UPSTREAM_REJECTED
DL-0035 FAILED CONSENT_REQUIRED
DL-0036 VERIFIED OK
DL-0037 FAILED UPSTREAM_UNAVAILABLE
DL-0038 VERIFIED OK
DL-0039 FAILED UPSTREAM_UNAVAILABLE
DL-0040 FAILED INVALID_ROW
DL-0041 FAILED INVALID_ROW`,
	"sila": `
SL-0001 VERIFIED OK
SL-0002 VERIFIED OK
SL-0003 VERIFIED OK
SL-0004 VERIFIED OK
SL-0005 VERIFIED OK
SL-0006 VERIFIED OK
SL-0007 VERIFIED OK
SL-0008 VERIFIED OK
SL-0009 NOT_VERIFIED DOCUMENT_NOT_FOUND
SL-0010 NOT_VERIFIED DOCUMENT_NOT_FOUND
SL-0011 NOT_VERIFIED DOCUMENT_NOT_FOUND
SL-0012 NOT_VERIFIED DOCUMENT_NOT_FOUND
SL-0013 NOT_VERIFIED USER_NOT_FOUND
SL-0014 NOT_VERIFIED USER_NOT_FOUND
SL-0015 FAILED UPSTREAM_REJECTED
SL-0016 VERIFIED OK
SL-0017 FAILED UPSTREAM_UNAVAILABLE
SL-0019 FAILED INVALID_ROW
SL-0020 FAILED INVALID_ROW
SL-0021 FAILED INVALID_ROW`,
	"flexfactor": `
FF-0001 VERIFIED OK
FF-0002 VERIFIED OK
FF-0003 VERIFIED OK
FF-0004 VERIFIED OK
FF-0005 VERIFIED OK
FF-0006 NOT_VERIFIED DOCUMENT_NOT_FOUND
FF-0007 NOT_VERIFIED DOCUMENT_NOT_FOUND
FF-0008 NOT_VERIFIED DOCUMENT_NOT_FOUND
FF-0009 NOT_VERIFIED INTEGRITY_FAILED
FF-0010 NOT_VERIFIED INTEGRITY_FAILED
FF-0011 NOT_VERIFIED UNTRUSTED_DOWNLOAD_URL
FF-0012 VERIFIED OK
FF-0013 NOT_VERIFIED APPLICATION_NOT_FOUND
FF-0014 NOT_VERIFIED APPLICATION_NOT_FOUND
FF-0015 NOT_VERIFIED APPLICATION_NOT_FOUND
FF-0016 FAILED UPSTREAM_REJECTED
FF-0017 VERIFIED OK
FF-0018 FAILED UPSTREAM_UNAVAILABLE
FF-0019 VERIFIED OK
FF-0020 FAILED INVALID_ROW
FF-0021 FAILED INVALID_ROW`,
}

// extraRows are outcomes too slow for the shipped examples, added to the
// uploaded file: a Sila user that answers nothing but 429.
var extraRows = map[string]struct{ row, want string }{
	"deepvue": {"DV-0017,throttled-0001,ADHAR,Y,,", "DV-0017 FAILED UPSTREAM_UNAVAILABLE"},
	"sila":    {"SL-0018,throttled-0001,id_passport,,,", "SL-0018 FAILED UPSTREAM_UNAVAILABLE"},
}

// Each provider's shipped example, covering every outcome, goes through the
// real program on a real redis-server and every row ends as documented.
func TestEveryProviderEndToEnd(t *testing.T) {
	t.Parallel()
	api := startProgram(t, []string{"dev"}, map[string]string{
		"BV_REDIS_URL":       redistest.DB(t),
		"BV_HTTP_ADDR":       "127.0.0.1:0",
		"BV_LOG_LEVEL":       "warn",
		"BV_MAX_ATTEMPTS":    "3",
		"BV_MAX_THROTTLED":   "2",
		"BV_MAX_REQUEUES":    "1",
		"BV_DIGILOCKER_RATE": "2000",
		"BV_SILA_RATE":       "2000",
		"BV_FLEXFACTOR_RATE": "2000",
		"BV_DEEPVUE_RATE":    "2000",
	})
	for _, provider := range providers.Names() {
		t.Run(provider, func(t *testing.T) {
			data, err := os.ReadFile("../../examples/" + provider + ".csv")
			if err != nil {
				t.Fatal(err)
			}
			want := parseWant(exampleWant[provider])
			if extra, ok := extraRows[provider]; ok {
				data = append(bytes.TrimRight(data, "\n"), []byte("\n"+extra.row+"\n")...)
				ref, outcome, _ := strings.Cut(extra.want, " ")
				want[ref] = outcome
			}
			code, env := uploadCSV(t, api, "demo", provider, data, uploadOptions{})
			if code != 202 {
				t.Fatalf("upload: HTTP %d %s: %s", code, env.SubCode, env.Message)
			}
			var acc struct {
				RequestID string `json:"request_id"`
			}
			json.Unmarshal(env.Data, &acc)
			st := waitCompleted(t, api, acc.RequestID, 2*time.Minute)
			out, raw := fetchCSV(t, *st.OutputURL)
			if len(out)-1 != len(want) {
				t.Errorf("output has %d rows, want %d", len(out)-1, len(want))
			}
			for _, rec := range out[1:] {
				got := rec[2] + " " + rec[3]
				if w, ok := want[rec[1]]; !ok {
					t.Errorf("output row %s (%s) is not in the table", rec[0], rec[1])
				} else if got != w {
					t.Errorf("%s: got %s (%s), want %s", rec[1], got, rec[4], w)
				}
			}
			for _, p := range providers.All {
				for _, v := range p.Vars {
					if v.Secret && strings.Contains(raw, v.Dev) {
						t.Errorf("output contains the secret %s%s", p.EnvPrefix(), v.Name)
					}
				}
			}
		})
	}
}

// parseWant reads a table of "reference_id STATUS CODE" lines.
func parseWant(table string) map[string]string {
	want := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(table), "\n") {
		ref, outcome, _ := strings.Cut(line, " ")
		want[ref] = outcome
	}
	return want
}

// A Deepvue row without consent Y is FAILED/CONSENT_REQUIRED and never
// reaches the upstream; a row with it does.
func TestDeepvueRowWithoutConsentNeverReachesTheUpstream(t *testing.T) {
	t.Parallel()
	env := prodEnv(t)
	var mu sync.Mutex
	seen := map[string]int{}
	sim := deepvue.NewSimulator(deepvue.SimConfig{ClientID: "dv-id", ClientSecret: "dv-secret"})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var req struct {
			ID string `json:"initial_deepvue_transaction_id"`
		}
		json.Unmarshal(body, &req)
		mu.Lock()
		seen[req.ID]++
		mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		sim.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	env["BV_DEEPVUE_BASE_URL"] = srv.URL
	env["BV_DEEPVUE_CLIENT_ID"] = "dv-id"
	env["BV_DEEPVUE_CLIENT_SECRET"] = "dv-secret"
	api := startProgram(t, []string{"serve"}, env)
	startProgram(t, []string{"work"}, env)
	data := "reference_id,initial_deepvue_transaction_id,doctype,consent\n" +
		"r1,verified-0001,PANCR,Y\nr2,verified-0002,PANCR,N\nr3,verified-0003,PANCR,no\n"
	code, envl := uploadCSV(t, api, "demo", "deepvue", []byte(data), uploadOptions{})
	if code != http.StatusAccepted {
		t.Fatalf("upload: HTTP %d %s: %s", code, envl.SubCode, envl.Message)
	}
	var acc struct {
		RequestID string `json:"request_id"`
	}
	json.Unmarshal(envl.Data, &acc)
	st := waitCompleted(t, api, acc.RequestID, time.Minute)
	out, _ := fetchCSV(t, *st.OutputURL)
	got := map[string]string{}
	for _, rec := range out[1:] {
		got[rec[1]] = rec[2] + "/" + rec[3]
	}
	want := map[string]string{"r1": "VERIFIED/OK", "r2": "FAILED/CONSENT_REQUIRED", "r3": "FAILED/CONSENT_REQUIRED"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v, want %v", got, want)
	}
	mu.Lock()
	defer mu.Unlock()
	if seen["verified-0001"] != 1 || seen["verified-0002"] != 0 || seen["verified-0003"] != 0 {
		t.Errorf("the upstream saw %v, want verified-0001 once and no row without consent", seen)
	}
}
