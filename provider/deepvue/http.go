package deepvue

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/upstream"
	"github.com/bulkverify/bulkverify/ratelimit"
)

// list asks Deepvue for the issued files of req's transaction. It returns
// the files of a success, a result when an error answer stops the row, or
// a *bulkverify.UpstreamError.
func (c *Client) list(ctx context.Context, row bulkverify.Row, req Request) ([]File, *bulkverify.Result, error) {
	resp, err := c.post(ctx, req)
	if err != nil {
		return nil, nil, err
	}
	defer upstream.CloseBody(resp)
	raw, err := io.ReadAll(io.LimitReader(resp.Body, upstream.MaxJSONBytes))
	if err != nil {
		return nil, nil, c.transient(resp, "answer cut off", err)
	}
	var r Response
	decodeErr := json.Unmarshal(raw, &r)
	switch {
	case resp.StatusCode/100 != 2:
		// An error answer that is not JSON still has a status.
	case decodeErr != nil:
		return nil, nil, c.transient(resp, "unreadable answer", decodeErr)
	case r.succeeded():
		files, err := r.Files()
		if err != nil {
			return nil, nil, c.transient(resp, "unreadable answer", err)
		}
		return files, nil, nil
	case !r.envelope() && r.Detail.IsZero():
		return nil, nil, c.transient(resp, "unreadable answer", fmt.Errorf("neither code nor detail in %s", upstream.Clip(string(raw))))
	}
	stop, err := c.errorAnswer(row, req, resp, r)
	return nil, stop, err
}

// post sends req with the client's credentials. A transport error comes
// back as a *bulkverify.UpstreamError.
func (c *Client) post(ctx context.Context, req Request) (*http.Response, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	hr, err := http.NewRequestWithContext(ratelimit.WithOperation(ctx, OpList), http.MethodPost, c.base+Path, bytes.NewReader(body))
	if err != nil {
		return nil, &bulkverify.UpstreamError{Provider: Name, Op: OpList, Reason: "bad request URL, check BV_DEEPVUE_BASE_URL", Err: err}
	}
	hr.Header.Set("Content-Type", "application/json")
	hr.Header.Set("Accept", "application/json")
	hr.Header.Set("x-api-key", c.secret)
	hr.Header.Set("client-id", c.clientID)
	resp, err := c.http.Do(hr)
	if err != nil {
		return nil, &bulkverify.UpstreamError{Provider: Name, Op: OpList, Reason: "no answer", Err: err}
	}
	return resp, nil
}

// transient returns the *bulkverify.UpstreamError of answer resp, with the
// delay its Retry-After asks for.
func (c *Client) transient(resp *http.Response, reason string, err error) error {
	if reason == "" {
		reason = http.StatusText(resp.StatusCode)
	}
	return &bulkverify.UpstreamError{
		Provider:   Name,
		Op:         OpList,
		StatusCode: resp.StatusCode,
		Reason:     reason,
		Wait:       upstream.ParseRetryAfter(resp.Header.Get("Retry-After"), c.now()),
		Err:        err,
	}
}

// errorAnswer classifies a failed answer: a result for a final one, a
// *bulkverify.UpstreamError for a transient one.
func (c *Client) errorAnswer(row bulkverify.Row, req Request, resp *http.Response, r Response) (*bulkverify.Result, error) {
	o := Classify(resp.StatusCode, r)
	if o.Transient {
		return nil, c.transient(resp, upstream.Clip(r.text()), nil)
	}
	res := o.Result(row, outcomeMessage(o, resp.StatusCode, r, req.TransactionID))
	return &res, nil
}

// outcomeMessage says what happened and what to do about it.
func outcomeMessage(o Outcome, status int, r Response, txn string) string {
	answer := fmt.Sprintf("HTTP %d", status)
	if text := upstream.Clip(r.text()); text != "" {
		answer += " " + text
	}
	switch {
	case o.Code == CodeSessionExpired:
		return fmt.Sprintf("the DigiLocker session of transaction %s has expired (%s): the person must open a new DigiLocker session through Deepvue; submit the row again with that session's initial_deepvue_transaction_id", quote(txn), answer)
	case o.Code == bulkverify.CodeInvalidRow && len(r.Detail.Errors) == 0:
		return fmt.Sprintf("Deepvue does not accept initial_deepvue_transaction_id %s (%s): it is unknown or already used; give the transaction id of the person's current DigiLocker session and submit the row again", quote(txn), answer)
	case o.Code == bulkverify.CodeInvalidRow:
		return fmt.Sprintf("Deepvue refused the row's request (%s): correct the row's initial_deepvue_transaction_id or purpose and submit it again", answer)
	case o.Code == bulkverify.CodeTokenInvalid:
		return fmt.Sprintf("Deepvue refused the API credentials when asked to %s (%s): check BV_DEEPVUE_CLIENT_ID and BV_DEEPVUE_CLIENT_SECRET (the key may be revoked or not entitled to DigiLocker), then submit the row again", OpList, answer)
	case status == http.StatusNotFound:
		return fmt.Sprintf("Deepvue's issued-files endpoint was not found (%s): check BV_DEEPVUE_BASE_URL, the API root before /v1/", answer)
	default:
		return fmt.Sprintf("Deepvue refused to %s (%s): submitting the row unchanged will fail the same way", OpList, answer)
	}
}
