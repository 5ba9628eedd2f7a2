//go:build chaos

package chaos

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// account is a kind of simulated DigiLocker account in the batch, with the
// share of rows it gets and the status and code every one of its rows must
// end with, whatever the chaos.
type account struct {
	name         string
	per20        int // rows out of every 20
	status, code string
}

// mix: every outcome whose code a cut-off or lost answer could change,
// weighted towards plain rows (two requests each: list, file); the others
// take one request (list) or two. About 1.7 requests a row.
var mix = []account{
	{"verified", 10, "VERIFIED", "OK"},
	{"missing", 3, "NOT_VERIFIED", "DOCUMENT_NOT_FOUND"},
	{"invalid", 3, "FAILED", "TOKEN_INVALID"},
	{"noscope", 2, "FAILED", "CONSENT_REQUIRED"},
	{"tampered", 1, "NOT_VERIFIED", "INTEGRITY_FAILED"},
	{"gone", 1, "NOT_VERIFIED", "DOCUMENT_NOT_FOUND"},
}

// accountOf returns the account of the n-th row (1-based).
func accountOf(n int) account {
	k := (n - 1) % 20
	for _, a := range mix {
		if k < a.per20 {
			return a
		}
		k -= a.per20
	}
	panic("mix does not add up to 20")
}

// batchCSV is a DigiLocker batch of rows with a distinct token each.
func batchCSV(rows int, tag string) []byte {
	var b bytes.Buffer
	b.WriteString("reference_id,access_token,doctype\n")
	for n := 1; n <= rows; n++ {
		fmt.Fprintf(&b, "%s-%d,%s-%s%07d,PANCR\n", tag, n, accountOf(n).name, tag, n)
	}
	return b.Bytes()
}

// client talks to the API as a tenant: id and key, or the chaos tenant
// when they are empty. A request gets timeout, 5 s when it is 0.
type client struct {
	api, id, key string
	timeout      time.Duration
}

func (c client) do(req *http.Request) (map[string]any, error) {
	id, key := c.id, c.key
	if id == "" {
		id, key = clientID, apiKey
	}
	req.Header.Set("client-id", id)
	req.Header.Set("x-api-key", key)
	timeout := c.timeout
	if timeout == 0 {
		timeout = 5 * time.Second
	}
	hc := http.Client{Timeout: timeout}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var env map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		return nil, fmt.Errorf("%s %s: HTTP %d: %w", req.Method, req.URL.Path, resp.StatusCode, err)
	}
	if resp.StatusCode >= 300 {
		return nil, fmt.Errorf("%s %s: HTTP %d %v", req.Method, req.URL.Path, resp.StatusCode, env)
	}
	data, _ := env["data"].(map[string]any)
	return data, nil
}

func (c client) submit(body []byte) (string, error) {
	return c.submitTo("digilocker", body, "")
}

// submitTo uploads a batch for provider, with an Idempotency-Key when key is
// not empty, so that a retry after a lost answer creates no second batch.
func (c client) submitTo(provider string, body []byte, key string) (string, error) {
	req, _ := http.NewRequest(http.MethodPost, c.api+"/v1/verification/batch?provider="+provider, bytes.NewReader(body))
	req.Header.Set("Content-Type", "text/csv")
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	data, err := c.do(req)
	if err != nil {
		return "", err
	}
	id, _ := data["request_id"].(string)
	return id, nil
}

func (c client) status(id string) (map[string]any, error) {
	req, _ := http.NewRequest(http.MethodGet, c.api+"/v1/verification/batch-processing-status?request_id="+id, nil)
	return c.do(req)
}

// verdict is what the output of a batch says against the input.
type verdict struct {
	lost, duplicated, wrong int
	unavailable             int            // FAILED/UPSTREAM_UNAVAILABLE, when transient faults may leave it
	wrongKinds              map[string]int // "expected → got" → rows
	example                 []string       // the first wrong row of each kind, as the output has it
}

// check downloads the output and compares every row with its account's
// status and code; with transient (the upstream's faults were injected), a
// row that ended FAILED/UPSTREAM_UNAVAILABLE is counted apart.
func check(url string, rows int, transient bool) (verdict, error) {
	return checkOutput(url, rows, func(n int) (string, string) { a := accountOf(n); return a.status, a.code }, transient)
}

// checkOutput downloads the output and compares every row n with the status
// and code expect(n) gives. With transient, a row that ended
// FAILED/UPSTREAM_UNAVAILABLE after its attempts is counted apart
// (unavailable), not as wrong.
func checkOutput(url string, rows int, expect func(n int) (status, code string), transient bool) (verdict, error) {
	v := verdict{wrongKinds: map[string]int{}}
	resp, err := http.Get(url)
	if err != nil {
		return v, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 500))
		return v, fmt.Errorf("download output: HTTP %d %s", resp.StatusCode, b)
	}
	r := csv.NewReader(resp.Body)
	head, err := r.Read()
	if err != nil {
		return v, err
	}
	if strings.Join(head[:5], ",") != "row_number,reference_id,status,code,message" {
		return v, fmt.Errorf("output header %v", head)
	}
	seen := make([]int, rows+1)
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return v, err
		}
		n, err := strconv.Atoi(rec[0])
		if err != nil || n < 1 || n > rows {
			return v, fmt.Errorf("output row %q is not a row of the input", rec[0])
		}
		seen[n]++
		if seen[n] > 1 {
			continue
		}
		status, code := expect(n)
		switch {
		case rec[2] == status && rec[3] == code:
		case transient && rec[2] == "FAILED" && rec[3] == "UPSTREAM_UNAVAILABLE":
			v.unavailable++
		default:
			v.wrong++
			k := fmt.Sprintf("%s/%s → %s/%s", status, code, rec[2], rec[3])
			if v.wrongKinds[k] == 0 {
				v.example = append(v.example, strings.Join(rec[:min(len(rec), 6)], ","))
			}
			v.wrongKinds[k]++
		}
	}
	for _, c := range seen[1:] {
		switch {
		case c == 0:
			v.lost++
		case c > 1:
			v.duplicated++
		}
	}
	return v, nil
}

func (v verdict) kinds() string {
	var out []string
	for k, n := range v.wrongKinds {
		out = append(out, fmt.Sprintf("%s ×%d", k, n))
	}
	sort.Strings(out)
	return strings.Join(out, "; ")
}
