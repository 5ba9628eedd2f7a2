package sila

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode"

	"github.com/bulkverify/bulkverify"
)

// Body limits: a JSON answer (a page of 100 documents is about 40 KB), an
// error answer, and what is read off a body before closing it so the
// connection can be reused.
const (
	maxJSONBytes  = 4 << 20
	maxErrorBytes = 64 << 10
	maxDrainBytes = 64 << 10
)

// post sends POST base+path with body as JSON and the bearer token. A
// transport error comes back as a *bulkverify.UpstreamError.
func (c *Client) post(ctx context.Context, path string, body []byte) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+path, bytes.NewReader(body))
	if err != nil {
		return nil, &bulkverify.UpstreamError{Provider: bulkverify.ProviderSila, Op: OpList, Reason: "bad request URL, check BV_SILA_BASE_URL", Err: err}
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, &bulkverify.UpstreamError{Provider: bulkverify.ProviderSila, Op: OpList, Reason: "no answer", Err: err}
	}
	return resp, nil
}

// errorAnswer classifies a failed answer: a result for a final one, a
// *bulkverify.UpstreamError for a transient one.
func (c *Client) errorAnswer(row bulkverify.Row, q query, resp *http.Response, e APIError) (*bulkverify.Result, error) {
	o := Classify(resp.StatusCode, e)
	if o.Transient {
		reason := clip(e.text())
		if reason == "" {
			reason = http.StatusText(resp.StatusCode)
		}
		return nil, &bulkverify.UpstreamError{
			Provider:   bulkverify.ProviderSila,
			Op:         OpList,
			StatusCode: resp.StatusCode,
			Reason:     reason,
			Wait:       ParseRetryAfter(resp.Header.Get("Retry-After"), c.now()),
		}
	}
	msg := outcomeMessage(o, resp.StatusCode, e, q)
	var r bulkverify.Result
	if o.Status == bulkverify.StatusNotVerified {
		r = bulkverify.NotVerified(row, o.Code, msg)
	} else {
		r = bulkverify.Failed(row, o.Code, msg, o.Retryable)
	}
	return &r, nil
}

// outcomeMessage says what happened and what to do about it.
func outcomeMessage(o Outcome, status int, e APIError, q query) string {
	answer := fmt.Sprintf("HTTP %d", status)
	if status/100 == 2 {
		answer += " with success false"
	}
	if text := clip(e.text()); text != "" {
		answer += ": " + text
	}
	switch {
	case o.Code == CodeUserNotFound:
		return fmt.Sprintf("Sila has no user with handle %q (%s): check the row's user_handle; the user must be registered with this app", q.handle, answer)
	case o.Code == bulkverify.CodeTokenInvalid && subjectOf(e) == subjectApp:
		return fmt.Sprintf("Sila refused the app handle when asked to %s (%s): check that BV_SILA_APP_HANDLE is the handle of the app BV_SILA_ACCESS_TOKEN was issued to, then submit the row again", OpList, answer)
	case o.Code == bulkverify.CodeTokenInvalid:
		return fmt.Sprintf("Sila rejected the access token when asked to %s (%s): check BV_SILA_ACCESS_TOKEN (it may have expired, or the app may not be permitted to list documents), then submit the row again", OpList, answer)
	case o.Code == bulkverify.CodeInvalidRow:
		return fmt.Sprintf("Sila refused the row's request (%s): correct the row's doc_types (Sila's short names, e.g. id_passport|doc_utility), start_date, end_date or search, and submit it again", answer)
	case status == http.StatusNotFound:
		return fmt.Sprintf("Sila's %s endpoint was not found (%s): check BV_SILA_BASE_URL, the API root before /0.2/", OpList, answer)
	default:
		return fmt.Sprintf("Sila refused to %s (%s): submitting the row unchanged will fail the same way", OpList, answer)
	}
}

// clip keeps upstream text printable and short.
func clip(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.TrimSpace(s))
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "..."
	}
	return s
}

// closeBody reads what is left of a small body, so the connection can be
// reused, and closes it.
func closeBody(resp *http.Response) {
	_, _ = io.CopyN(io.Discard, resp.Body, maxDrainBytes)
	resp.Body.Close()
}
