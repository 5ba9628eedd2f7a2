package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/bulkverify/bulkverify/internal/redistest"
	"github.com/bulkverify/bulkverify/jobs"
	"github.com/bulkverify/bulkverify/webhook"
)

// The tenants' webhook signing secrets in the tests.
const (
	demoWebhookSecret  = "whsec_ZGVtby10ZW5hbnQtd2ViaG9vay1zaWduaW5nLWtleQ=="
	otherWebhookSecret = "whsec_b3RoZXItdGVuYW50LXdlYmhvb2stc2lnbmluZy1rZXk="
)

// webhookEnv is lifecycleEnv with both tenants' secrets, progress events
// off and a short backoff.
func webhookEnv(t *testing.T) map[string]string {
	env, _ := lifecycleEnv(t)
	env["BV_WEBHOOK_SECRETS"] = "demo:" + demoWebhookSecret + ",other:" + otherWebhookSecret
	env["BV_WEBHOOK_PROGRESS_INTERVAL"] = "0"
	env["BV_WEBHOOK_BACKOFF"] = "100ms"
	return env
}

// hookRequest is one request a receiver got.
type hookRequest struct {
	ID, Timestamp, Signature string
	Body                     []byte
	At                       time.Time
	Msg                      struct {
		Type      string     `json:"type"`
		Timestamp time.Time  `json:"timestamp"`
		Data      lifeStatus `json:"data"`
	}
}

// verifies checks r against secret as the Standard Webhooks specification
// says, with no code of the program: the signature is Base64 of the
// HMAC-SHA256, keyed by the Base64-decoded part of the secret after
// whsec_, of "id.timestamp.body"; one of the space-separated signatures
// must match, and the timestamp must be within five minutes.
func (r hookRequest) verifies(secret string) bool {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(r.ID + "." + r.Timestamp + "."))
	mac.Write(r.Body)
	want := "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
	ts, err := strconv.ParseInt(r.Timestamp, 10, 64)
	if err != nil || r.At.Sub(time.Unix(ts, 0)).Abs() > 5*time.Minute {
		return false
	}
	for _, sig := range strings.Split(r.Signature, " ") {
		if hmac.Equal([]byte(sig), []byte(want)) {
			return true
		}
	}
	return false
}

// hookReceiver is a webhook endpoint that keeps every request and answers
// the status answer gives for the n-th one (from 1).
type hookReceiver struct {
	*httptest.Server
	answer func(n int) int
	mu     sync.Mutex
	reqs   []hookRequest
}

func newHookReceiver(t *testing.T, answer func(n int) int) *hookReceiver {
	rc := &hookReceiver{answer: answer}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		req := hookRequest{ID: r.Header.Get("webhook-id"), Timestamp: r.Header.Get("webhook-timestamp"),
			Signature: r.Header.Get("webhook-signature"), Body: body, At: time.Now()}
		if err := json.Unmarshal(body, &req.Msg); err != nil {
			t.Errorf("webhook body %s: %v", body, err)
		}
		rc.mu.Lock()
		rc.reqs = append(rc.reqs, req)
		n := len(rc.reqs)
		rc.mu.Unlock()
		w.WriteHeader(rc.answer(n))
	}))
	t.Cleanup(rc.Close)
	return rc
}

func always(status int) func(int) int { return func(int) int { return status } }

func (rc *hookReceiver) requests() []hookRequest {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]hookRequest(nil), rc.reqs...)
}

// waitRequests waits until the receiver got at least n requests.
func (rc *hookReceiver) waitRequests(t *testing.T, n int, within time.Duration) []hookRequest {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		if got := rc.requests(); len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("got %d webhook requests within %v, want %d", len(rc.requests()), within, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// delivery is an attempt in the delivery log.
type delivery struct {
	Event      string    `json:"event"`
	WebhookID  string    `json:"webhook_id"`
	Attempt    int       `json:"attempt"`
	At         time.Time `json:"at"`
	HTTPStatus *int      `json:"http_status"`
	DurationMS int64     `json:"duration_ms"`
	Error      *string   `json:"error"`
}

func deliveryLog(t *testing.T, api, tenant, id string) (int, string, []delivery) {
	t.Helper()
	code, env := call(t, api, tenant, http.MethodGet, "/v1/verification/batch/"+id+"/webhooks")
	var d struct {
		RequestID  string     `json:"request_id"`
		Deliveries []delivery `json:"deliveries"`
	}
	if code == http.StatusOK {
		if err := json.Unmarshal(env.Data, &d); err != nil || d.RequestID != id {
			t.Fatalf("delivery log data %s: %v", env.Data, err)
		}
	}
	return code, env.SubCode, d.Deliveries
}

// waitLog waits until the delivery log of id has n attempts.
func waitLog(t *testing.T, api, id string, n int, within time.Duration) []delivery {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		_, _, log := deliveryLog(t, api, "demo", id)
		if len(log) >= n {
			return log
		}
		if time.Now().After(deadline) {
			t.Fatalf("got %d attempts in the delivery log within %v, want %d: %+v", len(log), within, n, log)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitTaskState waits until the webhook task of message webhookID is in
// state, asking asynq.
func waitTaskState(t *testing.T, env map[string]string, webhookID string, state asynq.TaskState, within time.Duration) {
	t.Helper()
	insp := asynq.NewInspectorFromRedisClient(redistest.Connect(t, env["BV_REDIS_URL"]))
	deadline := time.Now().Add(within)
	for {
		info, err := insp.GetTaskInfo(jobs.QueueWebhooks, "webhook:"+webhookID)
		if err == nil && info.State == state {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("webhook task of %s: got %v (%v) within %v, want %v", webhookID, info, err, within, state)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func statusOf(d delivery) int {
	if d.HTTPStatus == nil {
		return 0
	}
	return *d.HTTPStatus
}

// A batch with a callback_url sends one batch.completed, signed with its
// tenant's secret (another tenant's does not verify it), whose URL
// downloads the output; the log shows the attempt; other tenants cannot
// read the log.
func TestWebhookCompletedIsSignedAndLinksTheOutput(t *testing.T) {
	t.Parallel()
	env := webhookEnv(t)
	api := startProgram(t, []string{"serve"}, env)
	startProgram(t, []string{"work"}, env)
	rc := newHookReceiver(t, always(http.StatusOK))
	id := accept(t)(uploadCSV(t, api, "demo", "digilocker", tokensCSV("verified-00001", "missing-00002", "verified-00003"), uploadOptions{callbackURL: rc.URL + "/hook"}))

	req := rc.waitRequests(t, 1, time.Minute)[0]
	if !req.verifies(demoWebhookSecret) {
		t.Errorf("the signature %q of %s does not verify with the tenant's secret", req.Signature, req.ID)
	}
	if req.verifies(otherWebhookSecret) {
		t.Errorf("the signature verifies with another tenant's secret")
	}
	m := req.Msg
	if m.Type != "batch.completed" || m.Data.RequestID != id || m.Data.State != "completed" || m.Data.TotalRows != 3 || m.Timestamp.IsZero() {
		t.Fatalf("got %s for batch %s in state %s (%d rows) at %v, want batch.completed of %s with 3 rows", m.Type, m.Data.RequestID, m.Data.State, m.Data.TotalRows, m.Timestamp, id)
	}
	if m.Data.OutputURL == nil {
		t.Fatal("got no batch_output_file_url")
	}
	if _, rows := outputRows(t, m.Data); len(rows) != 3 || rows[2][2] != "NOT_VERIFIED" {
		t.Errorf("the webhook's output URL gave rows %v, want 3 with row 2 NOT_VERIFIED", rows)
	}

	waitTaskState(t, env, req.ID, asynq.TaskStateCompleted, time.Minute)
	if n := len(rc.requests()); n != 1 {
		t.Errorf("got %d requests, want the one batch.completed", n)
	}
	log := waitLog(t, api, id, 1, 10*time.Second)
	if len(log) != 1 || log[0].Event != "batch.completed" || log[0].WebhookID != req.ID || log[0].Attempt != 1 || statusOf(log[0]) != 200 || log[0].Error != nil {
		t.Errorf("got delivery log %+v, want one delivered attempt of %s", log, req.ID)
	}
	for _, tt := range []struct{ tenant, id string }{{"other", id}, {"demo", "no-such-batch"}} {
		if code, sub, _ := deliveryLog(t, api, tt.tenant, tt.id); code != http.StatusUnprocessableEntity || sub != "INVALID_REQUEST_ID" {
			t.Errorf("log of %s as %s: got HTTP %d %s, want 422 INVALID_REQUEST_ID", tt.id, tt.tenant, code, sub)
		}
	}
}

// Progress events come while the batch runs, never closer together than
// BV_WEBHOOK_PROGRESS_INTERVAL, each its own message.
func TestWebhookProgressEventsKeepTheInterval(t *testing.T) {
	t.Parallel()
	env := webhookEnv(t)
	const interval = time.Second
	env["BV_WEBHOOK_PROGRESS_INTERVAL"] = interval.String()
	env["BV_CHUNK_SIZE"] = "2"
	env["BV_BATCH_WINDOW"] = "1"
	env["BV_DIGILOCKER_RATE"] = "10" // 12 rows: several seconds, several intervals
	api := startProgram(t, []string{"serve"}, env)
	startProgram(t, []string{"work"}, env)
	rc := newHookReceiver(t, always(http.StatusNoContent))
	var tokens []string
	for i := 1; i <= 12; i++ {
		tokens = append(tokens, fmt.Sprintf("verified-%05d", i))
	}
	id := accept(t)(uploadCSV(t, api, "demo", "digilocker", tokensCSV(tokens...), uploadOptions{callbackURL: rc.URL}))
	waitFor(t, api, id, 2*time.Minute, "finished", finished)
	waitTaskState(t, env, "msg_"+id+"_completed", asynq.TaskStateCompleted, time.Minute)

	var progress []hookRequest
	ids, completed := map[string]bool{}, 0
	for _, r := range rc.requests() {
		if ids[r.ID] {
			t.Errorf("message %s came twice", r.ID)
		}
		ids[r.ID] = true
		switch r.Msg.Type {
		case "batch.progress":
			progress = append(progress, r)
		case "batch.completed":
			completed++
		}
	}
	if len(progress) < 2 || completed != 1 {
		t.Fatalf("got %d progress and %d completed events, want at least 2 progress events over the run and 1 completed", len(progress), completed)
	}
	for i := 1; i < len(progress); i++ {
		if gap := progress[i].Msg.Timestamp.Sub(progress[i-1].Msg.Timestamp); gap < interval {
			t.Errorf("progress events %s and %s are %v apart, want at least %v", progress[i-1].ID, progress[i].ID, gap, interval)
		}
		if !progress[i].verifies(demoWebhookSecret) {
			t.Errorf("progress event %s does not verify", progress[i].ID)
		}
	}
}

// A receiver that answers 500 twice then 200 gets the same message three
// times; the log lists the three attempts, newest first.
func TestWebhookRetriesUntilDelivered(t *testing.T) {
	t.Parallel()
	env := webhookEnv(t)
	api := startProgram(t, []string{"serve"}, env)
	startProgram(t, []string{"work"}, env)
	rc := newHookReceiver(t, func(n int) int {
		if n <= 2 {
			return http.StatusInternalServerError
		}
		return http.StatusOK
	})
	id := accept(t)(uploadCSV(t, api, "demo", "digilocker", tokensCSV("verified-00001"), uploadOptions{callbackURL: rc.URL}))

	reqs := rc.waitRequests(t, 3, time.Minute)
	for _, r := range reqs {
		if r.ID != reqs[0].ID || r.Msg.Type != "batch.completed" || !r.verifies(demoWebhookSecret) {
			t.Errorf("got %s %s (verifies: %v), want %s batch.completed, signed", r.ID, r.Msg.Type, r.verifies(demoWebhookSecret), reqs[0].ID)
		}
	}
	log := waitLog(t, api, id, 3, 10*time.Second)
	var got []string
	for _, d := range log {
		got = append(got, fmt.Sprintf("%s#%d:%d", d.WebhookID, d.Attempt, statusOf(d)))
		if (statusOf(d) == 200) != (d.Error == nil) {
			t.Errorf("attempt %d: HTTP %d with error %v, want an error exactly when not 2xx", d.Attempt, statusOf(d), d.Error)
		}
	}
	want := []string{reqs[0].ID + "#3:200", reqs[0].ID + "#2:500", reqs[0].ID + "#1:500"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("got delivery log %v, want %v", got, want)
	}
	waitTaskState(t, env, reqs[0].ID, asynq.TaskStateCompleted, time.Minute)
	if n := len(rc.requests()); n != 3 {
		t.Errorf("got %d requests, want 3", n)
	}
}

// startStoppable runs `bulkverify work` until the returned stop is
// called (or the test ends) and returns when it has exited.
func startStoppable(t *testing.T, env map[string]string) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"work"}, func(k string) string { return env[k] }, io.Discard) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("bulkverify work exited with %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// A worker stopped between two attempts loses nothing: another worker
// makes the next attempt of the same message.
func TestWebhookSurvivesTheWorkerBetweenAttempts(t *testing.T) {
	t.Parallel()
	env := webhookEnv(t)
	env["BV_WEBHOOK_BACKOFF"] = "5s" // the retry comes after 3.75s at the soonest: time to stop the worker
	api := startProgram(t, []string{"serve"}, env)
	stopFirst := startStoppable(t, env)
	rc := newHookReceiver(t, func(n int) int {
		if n == 1 {
			return http.StatusServiceUnavailable
		}
		return http.StatusOK
	})
	id := accept(t)(uploadCSV(t, api, "demo", "digilocker", tokensCSV("verified-00001"), uploadOptions{callbackURL: rc.URL}))
	first := rc.waitRequests(t, 1, time.Minute)[0]
	waitLog(t, api, id, 1, 10*time.Second)

	stopFirst()
	stoppedAt := time.Now()
	if n := len(rc.requests()); n != 1 {
		t.Fatalf("got %d requests before the first worker stopped, want 1: the retry came too soon for this test", n)
	}
	startProgram(t, []string{"work"}, env)
	second := rc.waitRequests(t, 2, time.Minute)[1]
	if second.ID != first.ID || !second.At.After(stoppedAt) || !second.verifies(demoWebhookSecret) {
		t.Errorf("got %s at %v (verifies: %v), want %s again, signed, after the first worker stopped at %v",
			second.ID, second.At, second.verifies(demoWebhookSecret), first.ID, stoppedAt)
	}
	log := waitLog(t, api, id, 2, 10*time.Second)
	if log[0].Attempt != 2 || statusOf(log[0]) != 200 || log[1].Attempt != 1 || statusOf(log[1]) != 503 {
		t.Errorf("got delivery log %+v, want attempt 2 (200) then attempt 1 (503)", log)
	}
}

// A receiver that answers 410 gets no retry and no later event of the
// batch.
func TestWebhookGoneStopsTheBatchsWebhooks(t *testing.T) {
	t.Parallel()
	env := webhookEnv(t)
	api := startProgram(t, []string{"serve"}, env)
	startProgram(t, []string{"work"}, env)
	rc := newHookReceiver(t, always(http.StatusGone))
	id := accept(t)(uploadCSV(t, api, "demo", "digilocker", tokensCSV("verified-00001"), uploadOptions{callbackURL: rc.URL}))
	req := rc.waitRequests(t, 1, time.Minute)[0]
	waitTaskState(t, env, req.ID, asynq.TaskStateArchived, time.Minute)

	// The retention sweeper's event of the same batch is dropped.
	q := asynq.NewClientFromRedisClient(redistest.Connect(t, env["BV_REDIS_URL"]))
	if err := webhook.EnqueueEvent(context.Background(), q, id, webhook.EventExpired); err != nil {
		t.Fatal(err)
	}
	waitTaskState(t, env, "msg_"+id+"_expired", asynq.TaskStateCompleted, time.Minute)
	if n := len(rc.requests()); n != 1 {
		t.Errorf("got %d requests, want only the one answered 410", n)
	}
	log := waitLog(t, api, id, 1, 10*time.Second)
	if len(log) != 1 || statusOf(log[0]) != http.StatusGone || log[0].Error == nil || !strings.Contains(*log[0].Error, "410") {
		t.Errorf("got delivery log %+v, want the one 410 attempt, saying so", log)
	}
}

// Callback URLs at loopback, private or link-local addresses, over plain
// http, or of a tenant without a signing secret are refused at upload,
// and nothing is sent to them.
func TestWebhookURLsAreCheckedAtUpload(t *testing.T) {
	t.Parallel()
	env := webhookEnv(t)
	env["BV_WEBHOOK_ALLOW_HOSTS"] = "receiver.allowed.test"
	env["BV_WEBHOOK_SECRETS"] = "demo:" + demoWebhookSecret
	api := startProgram(t, []string{"serve"}, env)
	rc := newHookReceiver(t, always(http.StatusOK))
	port := rc.URL[strings.LastIndex(rc.URL, ":")+1:]
	tests := []struct {
		name, tenant, url, wantIn string
	}{
		{"loopback by name", "demo", "https://localhost:" + port + "/hook", "loopback"},
		{"loopback by address", "demo", "https://127.0.0.1:" + port + "/hook", "loopback"},
		{"IPv6 loopback", "demo", "https://[::1]:" + port + "/hook", "loopback"},
		{"plain http", "demo", rc.URL + "/hook", "https"},
		{"private", "demo", "https://10.0.0.1/hook", "private"},
		{"private", "demo", "https://192.168.1.10/hook", "private"},
		{"link-local", "demo", "https://169.254.169.254/latest/meta-data/", "link-local"},
		{"a tenant without a secret", "other", "https://93.184.216.34/hook", "BV_WEBHOOK_SECRETS"},
	}
	for _, tt := range tests {
		t.Run(tt.name+" "+tt.url, func(t *testing.T) {
			code, env := uploadCSV(t, api, tt.tenant, "digilocker", tokensCSV("verified-00001"), uploadOptions{callbackURL: tt.url})
			if code != http.StatusBadRequest || env.SubCode != "INVALID_CALLBACK_URL" || !strings.Contains(env.Message, tt.wantIn) {
				t.Errorf("got HTTP %d %s %q, want 400 INVALID_CALLBACK_URL saying %q", code, env.SubCode, env.Message, tt.wantIn)
			}
		})
	}
	code, list := call(t, api, "demo", http.MethodGet, "/v1/verification/batches")
	var l struct {
		Pagination struct {
			TotalCount int `json:"total_count"`
		} `json:"pagination"`
	}
	json.Unmarshal(list.Data, &l)
	if code != http.StatusOK || l.Pagination.TotalCount != 0 {
		t.Errorf("got HTTP %d and %d batches, want no batch created", code, l.Pagination.TotalCount)
	}
	if n := len(rc.requests()); n != 0 {
		t.Errorf("the loopback receiver got %d requests, want none", n)
	}
}

// At the end of retention the batch sends batch.expired, without URLs;
// its delivery log stays readable while it says expired, and DELETE
// erases the log with the rest of the batch.
func TestWebhookExpiredAtTheEndOfRetention(t *testing.T) {
	t.Parallel()
	env := webhookEnv(t)
	env["BV_RETENTION"] = "2s"
	env["BV_SWEEP_INTERVAL"] = "200ms"
	api := startProgram(t, []string{"serve"}, env)
	startProgram(t, []string{"work"}, env)
	rc := newHookReceiver(t, always(http.StatusOK))
	id := accept(t)(uploadCSV(t, api, "demo", "digilocker", tokensCSV("verified-00001"), uploadOptions{callbackURL: rc.URL}))

	reqs := rc.waitRequests(t, 2, time.Minute)
	if reqs[0].Msg.Type != "batch.completed" || reqs[1].Msg.Type != "batch.expired" {
		t.Fatalf("got %s then %s, want batch.completed then batch.expired", reqs[0].Msg.Type, reqs[1].Msg.Type)
	}
	exp := reqs[1]
	if d := exp.Msg.Data; d.RequestID != id || d.State != "expired" || d.OutputURL != nil || d.ErrorURL != nil || !exp.verifies(demoWebhookSecret) {
		t.Errorf("got batch.expired of %s in state %s with URLs %v %v (verifies: %v), want %s expired, no URLs, signed",
			d.RequestID, d.State, d.OutputURL, d.ErrorURL, exp.verifies(demoWebhookSecret), id)
	}
	if log := waitLog(t, api, id, 2, 10*time.Second); log[0].Event != "batch.expired" || log[1].Event != "batch.completed" {
		t.Errorf("got delivery log %+v, want batch.expired then batch.completed", log)
	}
	if code, env := call(t, api, "demo", http.MethodDelete, "/v1/verification/batch/"+id); code != http.StatusOK {
		t.Fatalf("DELETE: got HTTP %d %s (%s), want 200", code, env.SubCode, env.Message)
	}
	keys, err := redistest.Connect(t, env["BV_REDIS_URL"]).Keys(context.Background(), "bv:*"+id+"*").Result()
	if err != nil || len(keys) != 0 {
		t.Errorf("got keys %v (%v) after DELETE, want none of the batch", keys, err)
	}
}
