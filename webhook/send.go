package webhook

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Timeout bounds one delivery attempt, from connecting to the answer.
const Timeout = 10 * time.Second

// Sender makes delivery attempts over HTTP. It follows no redirect: a 3xx
// is an answer like any other that is not 2xx.
type Sender struct {
	Policy Policy
	Client *http.Client
}

// NewSender returns a Sender whose client dials through p and never
// through a proxy (a proxy would hide the address dialled).
func NewSender(p Policy) *Sender {
	tr := &http.Transport{
		DialContext:           p.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          64,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   Timeout,
		ResponseHeaderTimeout: Timeout,
	}
	return &Sender{Policy: p, Client: &http.Client{
		Transport:     tr,
		Timeout:       Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// Send posts body to url as message id, signed with key at now, within
// Timeout. It returns the HTTP status of the answer (0 when there was
// none) and an error for a refused URL or no answer. The URL is checked
// against the policy first: what was allowed at upload may not be now.
func (s *Sender) Send(ctx context.Context, url string, key []byte, id string, now time.Time, body []byte) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	if err := s.Policy.Check(ctx, url); err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "bulkverify-webhooks/1")
	SetHeaders(req.Header, key, id, now, body)
	resp, err := s.Client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // let the connection be reused
	return resp.StatusCode, nil
}
