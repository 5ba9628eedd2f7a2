//go:build bench

package perf

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"
)

const (
	clientID     = "bench"
	clientSecret = "bench-secret"
	simSecret    = "bench-digilocker-secret"
)

// api is a client of bulkverify serve.
type api struct {
	url    string
	client *http.Client
}

func newAPI(url string) *api {
	return &api{url: url, client: &http.Client{Timeout: 5 * time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 8}}}
}

func authHeader() http.Header {
	return http.Header{"Client-Id": {clientID}, "X-Api-Key": {clientSecret}}
}

// status is the part of the status data the harness reads.
type status struct {
	Status        int        `json:"status"`
	State         string     `json:"state"`
	TotalRows     int        `json:"total_rows"`
	ProcessedRows int        `json:"processed_rows"`
	Verified      int        `json:"verified"`
	Chunks        int        `json:"chunks"`
	DoneChunks    int        `json:"done_chunks"`
	CreatedAt     *time.Time `json:"created_at"`
	StartedAt     *time.Time `json:"started_at"`
	FinalizingAt  *time.Time `json:"finalizing_at"`
	CompletedAt   *time.Time `json:"completed_at"`
	OutputURL     *string    `json:"batch_output_file_url"`
}

func (a *api) do(t *testing.T, req *http.Request, into any) []byte {
	req.Header = authHeader()
	if req.Method == http.MethodPost {
		req.Header.Set("Content-Type", "text/csv")
	}
	resp, err := a.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode >= 300 {
		t.Fatalf("%s %s: HTTP %d %s", req.Method, req.URL.Path, resp.StatusCode, raw)
	}
	var env struct{ Data json.RawMessage }
	if err := json.Unmarshal(raw, &env); err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	if into != nil {
		json.Unmarshal(env.Data, into)
	}
	return raw
}

// upload posts a CSV as a raw body and returns the request id.
func (a *api) upload(t *testing.T, body []byte) string {
	req, _ := http.NewRequest(http.MethodPost, a.url+"/v1/verification/batch?provider=digilocker", bytes.NewReader(body))
	var acc struct {
		RequestID string `json:"request_id"`
	}
	a.do(t, req, &acc)
	return acc.RequestID
}

func (a *api) statusURL(id string) string {
	return a.url + "/v1/verification/batch-processing-status?request_id=" + id
}

// status returns the batch's status data and the raw response.
func (a *api) status(t *testing.T, id string) (status, []byte) {
	req, _ := http.NewRequest(http.MethodGet, a.statusURL(id), nil)
	var st status
	raw := a.do(t, req, &st)
	return st, raw
}

// wait polls the status every poll until the batch is finished, calling
// each (if set) with every status seen.
func (a *api) wait(t *testing.T, id string, poll, within time.Duration, each func(status)) status {
	deadline := time.Now().Add(within)
	for {
		st, _ := a.status(t, id)
		if each != nil {
			each(st)
		}
		if st.Status == http.StatusOK {
			if st.State != "completed" {
				t.Fatalf("batch %s ended %s", id, st.State)
			}
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("batch %s not finished within %v: %+v", id, within, st)
		}
		time.Sleep(poll)
	}
}

// csvFile returns a DigiLocker batch of n rows whose tokens the simulator
// verifies: reference_id,access_token,doctype.
func csvFile(prefix string, n int) []byte {
	var b bytes.Buffer
	b.Grow(n * 48)
	b.WriteString("reference_id,access_token,doctype\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "%s-%d,%s,PANCR\n", prefix, i, token(prefix, i))
	}
	return b.Bytes()
}

// claimsCSV is csvFile's rows, each declaring the holder's PAN, name, date
// of birth and gender, as the simulator's certificate bears them out.
func claimsCSV(prefix string, n int) []byte {
	var b bytes.Buffer
	b.Grow(n * 96)
	b.WriteString("reference_id,access_token,doctype,document_number,name,dob,gender\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "%s-%d,%s,PANCR,%s,%s,%s,%s\n", prefix, i, token(prefix, i), claimPAN, claimName, claimDOB, claimGender)
	}
	return b.Bytes()
}

// The claims of every claims row: the simulator's sample holder's.
const (
	claimPAN    = "ABCDE1234F"
	claimName   = "Mr. Sunil Kumar"
	claimDOB    = "31121970"
	claimGender = "M"
)

func token(prefix string, i int) string { return fmt.Sprintf("verified-%s%07d", prefix, i) }
