package main

import (
	"bufio"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The webhook-receiver command prints a verified message and refuses a
// bad signature or a stale timestamp with 401.
func TestWebhookReceiverCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"webhook-receiver", "--secret", demoWebhookSecret, "--addr", "127.0.0.1:0"}, func(string) string { return "" }, pw)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("webhook-receiver exited with %v", err)
		}
	})
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var url string
	select {
	case l := <-lines:
		f := strings.Fields(l)
		if len(f) < 3 || f[0] != "webhook" {
			t.Fatalf("got first line %q, want the receiver's URL", l)
		}
		url = f[2]
	case <-time.After(10 * time.Second):
		t.Fatal("the receiver printed nothing within 10s")
	}
	body := `{"type":"batch.completed","timestamp":"2024-11-19T07:52:31.002Z","data":{"request_id":"r1","state":"completed"}}`
	send := func(secret string, ts time.Time) int {
		r := hookRequest{ID: "msg_r1_completed", Timestamp: strconv.FormatInt(ts.Unix(), 10), Body: []byte(body)}
		key, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
		mac := hmac.New(sha256.New, key)
		mac.Write([]byte(r.ID + "." + r.Timestamp + "." + body))
		req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
		req.Header.Set("webhook-id", r.ID)
		req.Header.Set("webhook-timestamp", r.Timestamp)
		req.Header.Set("webhook-signature", "v1,"+base64.StdEncoding.EncodeToString(mac.Sum(nil)))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := send(demoWebhookSecret, time.Now()); got != http.StatusOK {
		t.Errorf("a signed message: got HTTP %d, want 200", got)
	}
	if l := <-lines; !strings.Contains(l, "batch.completed webhook-id=msg_r1_completed request_id=r1 state=completed") {
		t.Errorf("got %q, want the verified event printed", l)
	}
	if got := send(otherWebhookSecret, time.Now()); got != http.StatusUnauthorized {
		t.Errorf("another tenant's signature: got HTTP %d, want 401", got)
	}
	if got := send(demoWebhookSecret, time.Now().Add(-6*time.Minute)); got != http.StatusUnauthorized {
		t.Errorf("a 6-minute-old timestamp: got HTTP %d, want 401", got)
	}
}
