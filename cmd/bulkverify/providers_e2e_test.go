package main

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify/internal/redistest"
	"github.com/bulkverify/bulkverify/provider/providers"
)

// exampleWant is how every row of examples/<provider>.csv must end, by
// reference_id, per the simulators' documented accounts
// (provider/*/accounts.go, users.go, applications.go).
var exampleWant = map[string]string{
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
	"sila": {"SL-0018,throttled-0001,id_passport,,,", "SL-0018 FAILED UPSTREAM_UNAVAILABLE"},
}

// Each provider's shipped example, covering every outcome, goes through the
// real program on a real redis-server and every row ends as documented.
func TestEveryProviderEndToEnd(t *testing.T) {
	api := startProgram(t, []string{"dev"}, map[string]string{
		"BV_REDIS_URL":       redistest.URL(t),
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
			code, env := uploadMultipart(t, api, provider, data)
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
