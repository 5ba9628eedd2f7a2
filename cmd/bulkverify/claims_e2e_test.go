package main

import (
	"encoding/json"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify/internal/redistest"
)

// The claims example goes through the real program (dev: its simulators
// sign their certificates and dev sets the certificate that checks them)
// and every row ends as documented, with its claim columns.
func TestClaimsEndToEnd(t *testing.T) {
	t.Parallel()
	api := startProgram(t, []string{"dev"}, map[string]string{
		"BV_REDIS_URL": redistest.DB(t), "BV_HTTP_ADDR": "127.0.0.1:0", "BV_LOG_LEVEL": "warn", "BV_DIGILOCKER_RATE": "2000",
	})
	data, err := os.ReadFile("../../examples/digilocker-claims.csv")
	if err != nil {
		t.Fatal(err)
	}
	id := accept(t)(uploadCSV(t, api, "demo", "digilocker", data, uploadOptions{}))
	st := waitCompleted(t, api, id, 2*time.Minute)
	out, raw := fetchCSV(t, *st.OutputURL)
	col := func(name string) int {
		i := slices.Index(out[0], name)
		if i < 0 {
			t.Fatalf("output has no column %s: %v", name, out[0])
		}
		return i
	}
	claimCols := []string{"document_number_match", "name_match", "name_score", "dob_match", "gender_match", "document_valid_until", "claims_source", "token_refreshed"}
	if i := col("verified_at"); !slices.Equal(out[0][i+1:i+1+len(claimCols)], claimCols) {
		t.Errorf("got columns %v after verified_at, want %v", out[0][i+1:], claimCols)
	}
	want := map[string]string{ // status code document_number name dob gender source refreshed
		"CL-0001": "VERIFIED OK MATCH MATCH MATCH MATCH certificate false",
		"CL-0002": "NOT_VERIFIED DOCUMENT_NUMBER_MISMATCH MISMATCH NOT_CLAIMED NOT_CLAIMED NOT_CLAIMED certificate false",
		"CL-0006": "NOT_VERIFIED DOCUMENT_EXPIRED MATCH NOT_CLAIMED NOT_CLAIMED NOT_CLAIMED certificate false",
		"CL-0009": "NOT_VERIFIED INTEGRITY_FAILED NOT_CLAIMED UNAVAILABLE NOT_CLAIMED NOT_CLAIMED  false",
		"CL-0011": "VERIFIED OK MATCH MATCH MATCH MATCH eaadhaar false",
		"CL-0015": "VERIFIED OK MATCH MATCH MATCH NOT_CLAIMED uri|profile false",
		"CL-0016": "NOT_VERIFIED CLAIM_UNVERIFIABLE NOT_CLAIMED NOT_CLAIMED NOT_CLAIMED UNAVAILABLE  false",
		"CL-0017": "VERIFIED OK MATCH NOT_CLAIMED NOT_CLAIMED NOT_CLAIMED certificate true",
		"CL-0018": "FAILED TOKEN_INVALID UNAVAILABLE NOT_CLAIMED NOT_CLAIMED NOT_CLAIMED  false",
		"CL-0025": "VERIFIED OK NOT_CLAIMED NOT_CLAIMED NOT_CLAIMED NOT_CLAIMED  false",
		"CL-0027": "FAILED INVALID_ROW NOT_CLAIMED NOT_CLAIMED NOT_CLAIMED UNAVAILABLE  false",
	}
	for _, rec := range out[1:] {
		w, ok := want[rec[1]]
		if !ok {
			continue
		}
		got := strings.Join([]string{rec[2], rec[3], rec[col("document_number_match")], rec[col("name_match")], rec[col("dob_match")],
			rec[col("gender_match")], rec[col("claims_source")], rec[col("token_refreshed")]}, " ")
		if got != w {
			t.Errorf("%s: got %s (%s), want %s", rec[1], got, rec[4], w)
		}
	}
	for _, secret := range []string{"refresh-verified-c0017", "revoked-refresh-token", "expiredtoken-c0017", "verified-refreshed"} {
		if strings.Contains(raw, secret) {
			t.Errorf("output.csv holds the secret %q", secret)
		}
	}
	var counts struct {
		Fields map[string]map[string]int `json:"fields"`
	}
	code, env := call(t, api, "demo", http.MethodGet, "/v1/verification/batch/"+id+"/claims")
	if json.Unmarshal(env.Data, &counts); code != http.StatusOK || counts.Fields["name"]["MISMATCH"] != 2 {
		t.Errorf("claims summary: got HTTP %d %+v, want 200 with 2 name mismatches (CL-0003, CL-0024)", code, counts.Fields["name"])
	}
}

// A claim column for a provider that cannot check it is refused and
// queues nothing; other unknown columns are listed, not refused.
func TestClaimColumnsAtIntake(t *testing.T) {
	t.Parallel()
	api := startProgram(t, []string{"dev"}, map[string]string{"BV_REDIS_URL": redistest.DB(t), "BV_HTTP_ADDR": "127.0.0.1:0", "BV_LOG_LEVEL": "warn"})
	code, env := uploadCSV(t, api, "demo", "sila", []byte("user_handle,doc_types,name\nuser-1,id_passport,Sunil Kumar\n"), uploadOptions{})
	if code != http.StatusBadRequest || env.SubCode != "UNSUPPORTED_COLUMN" || !strings.Contains(env.Message, "digilocker") {
		t.Errorf("a Sila file with a name column: got HTTP %d %s %q, want 400 UNSUPPORTED_COLUMN naming digilocker", code, env.SubCode, env.Message)
	}
	code, env = uploadCSV(t, api, "demo", "digilocker", []byte("access_token,doctype,branch,name\nverified-1,PANCR,Pune,Sunil Kumar\n"), uploadOptions{})
	var acc struct {
		Ignored []string `json:"ignored_columns"`
	}
	if json.Unmarshal(env.Data, &acc); code != http.StatusAccepted || !slices.Equal(acc.Ignored, []string{"branch"}) {
		t.Errorf("a DigiLocker file with a branch column: got HTTP %d, ignored %v, want 202 with ignored_columns [branch]", code, acc.Ignored)
	}
	var list struct {
		Providers []struct {
			Name   string   `json:"name"`
			Claims []string `json:"claims"`
		} `json:"providers"`
	}
	code, env = call(t, api, "demo", http.MethodGet, "/v1/providers")
	json.Unmarshal(env.Data, &list)
	var names []string
	for _, p := range list.Providers {
		names = append(names, p.Name)
		if p.Name == "digilocker" && !slices.Equal(p.Claims, []string{"document_number", "name", "dob", "gender"}) {
			t.Errorf("digilocker claims %v, want document_number, name, dob, gender", p.Claims)
		}
	}
	if code != http.StatusOK || !slices.Equal(names, []string{"deepvue", "digilocker", "flexfactor", "sila"}) {
		t.Errorf("GET /v1/providers: got HTTP %d %v, want the four providers", code, names)
	}
}
