package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/bulkverify/bulkverify/internal/redistest"
	"github.com/bulkverify/bulkverify/provider"
	"github.com/bulkverify/bulkverify/provider/providers"
	"github.com/bulkverify/bulkverify/provider/simulation"
	"github.com/bulkverify/bulkverify/storage"
)

// rawAnswer is what a raw client got: the answer (nil when none came
// within its wait) and when, after it began sending.
type rawAnswer struct {
	resp  *http.Response
	env   apiResponse
	after time.Duration
}

func (a rawAnswer) String() string {
	if a.resp == nil {
		return fmt.Sprintf("no answer within %v", a.after.Round(100*time.Millisecond))
	}
	return fmt.Sprintf("HTTP %d %s after %v", a.resp.StatusCode, a.env.SubCode, a.after.Round(100*time.Millisecond))
}

// slowClient sends a request head and then its body piece by piece, one
// piece every `every`, over a bare connection, and reports the answer on
// its channel. It keeps sending until the server answers or the test ends.
type slowClient struct {
	conn   net.Conn
	answer chan rawAnswer
}

func startSlowClient(t *testing.T, api, head string, pieces func(i int) string, every time.Duration) *slowClient {
	t.Helper()
	u, _ := url.Parse(api)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	c := &slowClient{conn: conn, answer: make(chan rawAnswer, 1)}
	start := time.Now()
	io.WriteString(conn, head)
	done := make(chan struct{})
	t.Cleanup(func() { close(done); conn.Close() })
	go func() {
		for i := 0; ; i++ {
			if _, err := io.WriteString(conn, pieces(i)); err != nil {
				return
			}
			select {
			case <-done:
				return
			case <-time.After(every):
			}
		}
	}()
	go func() {
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			return
		}
		var env apiResponse
		json.NewDecoder(resp.Body).Decode(&env)
		c.answer <- rawAnswer{resp: resp, env: env, after: time.Since(start)}
	}()
	return c
}

// wait returns the answer, or none after within.
func (c *slowClient) wait(within time.Duration) rawAnswer {
	select {
	case a := <-c.answer:
		return a
	case <-time.After(within):
		return rawAnswer{after: within}
	}
}

// csvUploadHead is the head of a raw CSV upload of length bytes as tenant.
func csvUploadHead(api, tenant string, length int) string {
	u, _ := url.Parse(api)
	return fmt.Sprintf("POST /v1/verification/batch?provider=digilocker HTTP/1.1\r\nHost: %s\r\nclient-id: %s\r\nx-api-key: %s-secret\r\nContent-Type: text/csv\r\nContent-Length: %d\r\n\r\n", u.Host, tenant, tenant, length)
}

// csvRows is a DigiLocker file, a row at a time: the header first.
func csvRows(i int) string {
	if i == 0 {
		return "reference_id,access_token,doctype\n"
	}
	return fmt.Sprintf("ref-%07d,verified-%05d,PANCR\n", i, i%100000)
}

// A tenant trickling as many uploads as a serve reads at once holds only
// half of them: the others' uploads are still accepted.
func TestOneTenantTricklingUploadsLeavesSlotsForAnother(t *testing.T) {
	t.Parallel()
	env := prodEnv(t)
	env["BV_MAX_CONCURRENT_UPLOADS"] = "4"
	api := startProgram(t, []string{"serve"}, env)

	var trickles []*slowClient
	for range 4 {
		trickles = append(trickles, startSlowClient(t, api, csvUploadHead(api, "demo", 10<<20), csvRows, 200*time.Millisecond))
	}
	// demo's share is 2 of the 4 slots: two of its uploads are refused at
	// once, two are read on.
	var refused []rawAnswer
	deadline := time.Now().Add(5 * time.Second)
	for len(refused) < 2 && time.Now().Before(deadline) {
		for _, c := range trickles {
			select {
			case a := <-c.answer:
				refused = append(refused, a)
			default:
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	start := time.Now()
	code, other := uploadCSV(t, api, "other", "digilocker", []byte(csvRows(0)+csvRows(1)), uploadOptions{})
	t.Logf("demo trickling 4 uploads: %d refused %v; other's upload: HTTP %d %s after %v", len(refused), refused, code, other.SubCode, time.Since(start).Round(time.Millisecond))
	if code != http.StatusAccepted {
		t.Errorf("other's upload while demo trickles: got HTTP %d %s (%s), want 202", code, other.SubCode, other.Message)
	}
	if len(refused) != 2 {
		t.Fatalf("got %d of demo's 4 trickling uploads refused, want 2 (its share is half of 4 slots)", len(refused))
	}
	for _, a := range refused {
		if a.resp.StatusCode != http.StatusServiceUnavailable || a.env.SubCode != "SERVICE_BUSY" || a.resp.Header.Get("Retry-After") == "" || !strings.Contains(a.env.Message, "its share") {
			t.Errorf("got %v %q (Retry-After %q), want 503 SERVICE_BUSY with Retry-After saying it is demo's share", a, a.env.Message, a.resp.Header.Get("Retry-After"))
		}
	}
	for i, c := range trickles {
		if len(c.answer) > 0 {
			t.Errorf("trickling upload %d was answered too, want two of them still read", i+1)
		}
	}
}

// An upload that keeps sending, but slower than the minimum rate, is cut
// once a window (BV_UPLOAD_IDLE_TIMEOUT, 2 s here) shows it.
func TestAnUploadSlowerThanTheMinimumRateGets408(t *testing.T) {
	t.Parallel()
	env := prodEnv(t)
	env["BV_UPLOAD_IDLE_TIMEOUT"] = "2s"
	env["BV_UPLOAD_MIN_BYTES_PER_SECOND"] = "65536"
	api := startProgram(t, []string{"serve"}, env)
	// About 10 KB/s: a row of ~35 bytes 30 times every 100 ms.
	rows := func(i int) string {
		if i == 0 {
			return csvRows(0)
		}
		var b strings.Builder
		for j := range 30 {
			b.WriteString(csvRows(i*30 + j))
		}
		return b.String()
	}
	a := startSlowClient(t, api, csvUploadHead(api, "demo", 1<<20), rows, 100*time.Millisecond).wait(15 * time.Second)
	t.Logf("a 10 KB/s upload against a 64 KB/s minimum: %v %q", a, a.env.Message)
	if a.resp == nil || a.resp.StatusCode != http.StatusRequestTimeout || a.env.SubCode != "REQUEST_TIMEOUT" ||
		!strings.Contains(a.env.Message, "below this service's minimum of 65536 bytes/s") {
		t.Fatalf("got %v %q, want 408 REQUEST_TIMEOUT saying the upload is below the minimum of 65536 bytes/s", a, a.env.Message)
	}
	if a.after < 1500*time.Millisecond || a.after > 6*time.Second {
		t.Errorf("answered after %v, want about the 2 s window", a.after)
	}
}

// A client that sends the head of POST /v1/authorize and stalls its body
// holds nothing past BV_BODY_READ_TIMEOUT.
func TestAStalledAuthorizeBodyIsCut(t *testing.T) {
	t.Parallel()
	env := prodEnv(t)
	env["BV_BODY_READ_TIMEOUT"] = "1s"
	api := startProgram(t, []string{"serve"}, env)
	u, _ := url.Parse(api)
	head := fmt.Sprintf("POST /v1/authorize HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n", u.Host)
	stall := func(i int) string {
		if i == 0 {
			return "client_id=demo"
		}
		return ""
	}
	a := startSlowClient(t, api, head, stall, time.Second).wait(15 * time.Second)
	t.Logf("a stalled /v1/authorize body: %v", a)
	if a.resp == nil || a.resp.StatusCode != http.StatusRequestTimeout || a.env.SubCode != "REQUEST_TIMEOUT" {
		t.Fatalf("got %v, want 408 REQUEST_TIMEOUT", a)
	}
	if a.after > 4*time.Second {
		t.Errorf("answered after %v, want about BV_BODY_READ_TIMEOUT (1s)", a.after)
	}
}

// fromAddr is an HTTP client whose connections come from the loopback
// address ip, so that a test can be several sources.
func fromAddr(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	return &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}
}

// attempt is what a client sees of one authentication attempt.
type attempt struct {
	status     int
	subCode    string
	retryAfter int
}

func (a attempt) String() string {
	return fmt.Sprintf("%d %s Retry-After=%d", a.status, a.subCode, a.retryAfter)
}

func try(t *testing.T, c *http.Client, req *http.Request) attempt {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		SubCode string `json:"sub_code"`
	}
	json.NewDecoder(resp.Body).Decode(&body)
	ra, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
	return attempt{resp.StatusCode, body.SubCode, ra}
}

func headerAuth(api, clientID, key string) *http.Request {
	req, _ := http.NewRequest(http.MethodGet, api+"/v1/providers", nil)
	req.Header.Set("client-id", clientID)
	req.Header.Set("x-api-key", key)
	return req
}

func formAuth(api, clientID, secret string) *http.Request {
	form := url.Values{"client_id": {clientID}, "client_secret": {secret}}
	req, _ := http.NewRequest(http.MethodPost, api+"/v1/authorize", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

func jwtAuth(api, token string) *http.Request {
	req, _ := http.NewRequest(http.MethodGet, api+"/v1/providers", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("x-api-key", "demo-secret")
	return req
}

// attemptSummary counts attempts by what they got, in order of first sight.
func attemptSummary(as []attempt) string {
	var parts []string
	for i := 0; i < len(as); {
		j := i
		for j < len(as) && as[j].status == as[i].status && as[j].subCode == as[i].subCode {
			j++
		}
		parts = append(parts, fmt.Sprintf("%d × %d %s", j-i, as[i].status, as[i].subCode))
		i = j
	}
	return strings.Join(parts, ", ")
}

// checkThrottled checks that the first 10 attempts got want and every
// later one 429 TOO_MANY_ATTEMPTS with a Retry-After within the minute.
func checkThrottled(t *testing.T, got []attempt, want int) {
	t.Helper()
	for i, a := range got {
		ok := a.status == want && a.subCode == ""
		if i >= 10 {
			ok = a.status == http.StatusTooManyRequests && a.subCode == "TOO_MANY_ATTEMPTS" && a.retryAfter >= 1 && a.retryAfter <= 60
		}
		if !ok {
			t.Fatalf("attempt %d got %v; want 10 × %d, then 429 TOO_MANY_ATTEMPTS with Retry-After (got %s)", i+1, a, want, attemptSummary(got))
		}
	}
}

// 60 wrong secrets for one client in 3 s, spread over two serve processes
// sharing one Redis: the first 10 are denied, the rest get 429 with
// Retry-After, and so does the right secret, by client id and by address.
func TestFailedAuthenticationIsThrottledAcrossServeProcesses(t *testing.T) {
	t.Parallel()
	env := prodEnv(t)
	apis := []string{startProgram(t, []string{"serve"}, env), startProgram(t, []string{"serve"}, env)}
	local := fromAddr("127.0.0.1")

	var got []attempt
	start := time.Now()
	for i := range 60 {
		got = append(got, try(t, local, headerAuth(apis[i%2], "demo", fmt.Sprintf("guess-%d", i))))
		time.Sleep(50 * time.Millisecond) // 60 in 3 s
	}
	t.Logf("60 wrong secrets for demo in %v over two serve processes: %s", time.Since(start).Round(100*time.Millisecond), attemptSummary(got))
	checkThrottled(t, got, http.StatusForbidden)

	tests := []struct {
		name string
		from *http.Client
		req  *http.Request
		want attempt
	}{
		{"demo's right secret from the same address gets 429", local, headerAuth(apis[0], "demo", "demo-secret"), attempt{status: 429, subCode: "TOO_MANY_ATTEMPTS"}},
		{"demo's right secret from another address gets 429: its client id is blocked", fromAddr("127.0.0.2"), headerAuth(apis[1], "demo", "demo-secret"), attempt{status: 429, subCode: "TOO_MANY_ATTEMPTS"}},
		{"another client from that address gets 429: the address is blocked", local, headerAuth(apis[1], "other", "other-secret"), attempt{status: 429, subCode: "TOO_MANY_ATTEMPTS"}},
		{"another client from another address is served", fromAddr("127.0.0.2"), headerAuth(apis[0], "other", "other-secret"), attempt{status: 200, subCode: "SUCCESS"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := try(t, tt.from, tt.req)
			if a.status != tt.want.status || a.subCode != tt.want.subCode || (a.status == 429) != (a.retryAfter > 0) {
				t.Errorf("got %v, want %d %s (with Retry-After on a 429)", a, tt.want.status, tt.want.subCode)
			}
		})
	}

	t.Run("wrong client secrets at /v1/authorize are throttled too", func(t *testing.T) {
		from := fromAddr("127.0.0.3") // a fresh address; other's id is fresh too
		var got []attempt
		for i := range 12 {
			got = append(got, try(t, from, formAuth(apis[i%2], "other", "wrong")))
		}
		checkThrottled(t, got, http.StatusUnauthorized)
		if a := try(t, from, formAuth(apis[0], "other", "other-secret")); a.status != 429 || a.subCode != "TOO_MANY_ATTEMPTS" {
			t.Errorf("the right secret: got %v, want 429 TOO_MANY_ATTEMPTS", a)
		}
	})
	t.Run("bad JWTs are throttled by address", func(t *testing.T) {
		from := fromAddr("127.0.0.4")
		var got []attempt
		for i := range 12 {
			got = append(got, try(t, from, jwtAuth(apis[i%2], "forged.jwt.token")))
		}
		checkThrottled(t, got, http.StatusUnauthorized)
	})
}

// silaEnv adds a Sila simulator to env, so that serve has Sila enabled.
func silaEnv(t *testing.T, env map[string]string) {
	i := slices.IndexFunc(providers.All, func(p provider.Provider) bool { return p.Name == "sila" })
	p := providers.All[i]
	settings := p.DevSettings(func(string) string { return "" })
	sim := httptest.NewServer(p.Simulate(settings, simulation.Faults{}))
	t.Cleanup(sim.Close)
	env[p.EnvPrefix()+"BASE_URL"] = sim.URL
	for _, v := range p.Vars {
		env[p.VarEnv(v)] = settings.Get(v.Name)
	}
}

// A tenant BV_TENANT_PROVIDERS limits to DigiLocker cannot upload a Sila
// batch by either route, and nothing of it is stored or queued; its
// DigiLocker uploads, and another tenant's Sila uploads, are accepted.
func TestTenantProvidersRefuseAnUploadToAnotherProvider(t *testing.T) {
	t.Parallel()
	env := prodEnv(t)
	silaEnv(t, env)
	env["BV_TENANT_PROVIDERS"] = "demo:digilocker,other:digilocker+sila"
	api := startProgram(t, []string{"serve"}, env)
	sila := []byte("reference_id,user_handle,doc_types,start_date,end_date,search\nSL-0001,user.silamoney.eth,id_passport,,,\n")

	refusals := []struct {
		name string
		send func() (int, apiResponse)
	}{
		{"POST /v1/verification/batch?provider=sila", func() (int, apiResponse) {
			return uploadCSV(t, api, "demo", "sila", sila, uploadOptions{})
		}},
		{"POST /v1/verification/sila/batch", func() (int, apiResponse) {
			body, ct := form("batch_file", sila)
			return answer(t)(tenantAPI(api, "demo").send(context.Background(), http.MethodPost, "/v1/verification/sila/batch", body, ct, nil))
		}},
	}
	for _, tt := range refusals {
		t.Run("demo's Sila upload by "+tt.name+" gets 403 PROVIDER_NOT_ENABLED", func(t *testing.T) {
			code, got := tt.send()
			t.Logf("demo (digilocker only) uploads Sila: HTTP %d %s %q", code, got.SubCode, got.Message)
			if code != http.StatusForbidden || got.SubCode != "PROVIDER_NOT_ENABLED" || !strings.Contains(got.Message, "it may use digilocker") {
				t.Errorf("got HTTP %d %s %q, want 403 PROVIDER_NOT_ENABLED naming digilocker", code, got.SubCode, got.Message)
			}
		})
	}
	t.Run("nothing was stored or queued", func(t *testing.T) {
		rdb := redistest.Connect(t, env["BV_REDIS_URL"])
		if keys, _ := rdb.Keys(context.Background(), storage.KeyPrefix+"batch:*").Result(); len(keys) != 0 {
			t.Errorf("got batch state %v after refused uploads, want none", keys)
		}
		insp := asynq.NewInspectorFromRedisClient(rdb)
		qs, _ := insp.Queues()
		for _, q := range qs {
			if info, _ := insp.GetQueueInfo(q); info != nil && info.Size > 0 {
				t.Errorf("queue %s holds %d tasks after refused uploads, want 0", q, info.Size)
			}
		}
	})
	t.Run("demo's DigiLocker upload is accepted", func(t *testing.T) {
		accept(t)(uploadCSV(t, api, "demo", "digilocker", []byte(csvRows(0)+csvRows(1)), uploadOptions{}))
	})
	t.Run("other's Sila upload is accepted", func(t *testing.T) {
		accept(t)(uploadCSV(t, api, "other", "sila", sila, uploadOptions{}))
	})
}
