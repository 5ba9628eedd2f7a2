package sila

import (
	"bytes"
	"context"
	"fmt"
	"net/http"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/upstream"
)

// post sends POST Base+path with body as JSON and the bearer token, as an
// idempotent request. A transport error comes back as a
// *bulkverify.UpstreamError.
func (c *Client) post(ctx context.Context, path string, body []byte) (*http.Response, error) {
	req, err := c.NewRequest(ctx, OpList, http.MethodPost, path, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token.Value)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	// list_documents only reads: a copy of it may be sent when the first
	// hangs (net/http's idempotency mark; the empty key is not sent).
	req.Header["Idempotency-Key"] = nil
	return c.Do(OpList, req)
}

// errorAnswer classifies a failed answer: a result for a final one, a
// *bulkverify.UpstreamError for a transient one.
func (c *Client) errorAnswer(row bulkverify.Row, q query, resp *http.Response, e APIError) (*bulkverify.Result, error) {
	o := Classify(resp.StatusCode, e)
	if o.Transient {
		reason := upstream.Clip(e.text())
		if reason == "" {
			reason = http.StatusText(resp.StatusCode)
		}
		return nil, c.Transient(OpList, resp, reason)
	}
	r := o.Result(row, outcomeMessage(o, resp.StatusCode, e, q))
	return &r, nil
}

// outcomeMessage says what happened and what to do about it.
func outcomeMessage(o Outcome, status int, e APIError, q query) string {
	answer := fmt.Sprintf("HTTP %d", status)
	if status/100 == 2 {
		answer += " with success false"
	}
	if text := upstream.Clip(e.text()); text != "" {
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
