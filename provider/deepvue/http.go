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
)

// answer is what Deepvue said to one request: the files of a success, or
// the outcome of a final error answer, and Deepvue's transaction_id of it.
// It names no row, so that the rows of one DigiLocker session can share it.
type answer struct {
	files   []File
	txn     string
	refused bool // a final error answer: outcome and message say which
	outcome Outcome
	message string
}

// list asks Deepvue for the issued files of req's transaction. It returns
// the answer, or a *bulkverify.UpstreamError for no answer or a transient
// one.
func (c *Client) list(ctx context.Context, req Request) (answer, error) {
	resp, err := c.post(ctx, req)
	if err != nil {
		return answer{}, err
	}
	defer upstream.CloseBody(resp)
	raw, err := io.ReadAll(io.LimitReader(resp.Body, upstream.MaxJSONBytes))
	if err != nil {
		return answer{}, c.transient(resp, "answer cut off", err)
	}
	var r Response
	decodeErr := json.Unmarshal(raw, &r)
	switch {
	case resp.StatusCode/100 != 2:
		// An error answer that is not JSON still has a status.
	case decodeErr != nil:
		return answer{}, c.transient(resp, "unreadable answer", decodeErr)
	case r.succeeded():
		files, err := r.Files()
		if err != nil {
			return answer{}, c.transient(resp, "unreadable answer", err)
		}
		return answer{files: files, txn: upstream.Clip(r.TransactionID)}, nil
	case !r.envelope() && r.Detail.IsZero():
		return answer{}, c.transient(resp, "unreadable answer", fmt.Errorf("neither code nor detail in %s", upstream.Clip(string(raw))))
	}
	return c.errorAnswer(req, resp, r)
}

// post sends req with the client's credentials. A transport error comes
// back as a *bulkverify.UpstreamError.
func (c *Client) post(ctx context.Context, req Request) (*http.Response, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	hr, err := c.NewRequest(ctx, OpList, http.MethodPost, Path, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	hr.Header.Set("Content-Type", "application/json")
	hr.Header.Set("Accept", "application/json")
	hr.Header.Set("x-api-key", c.key.Value)
	hr.Header.Set("client-id", c.id.Value)
	return c.Do(OpList, hr)
}

// transient returns the *bulkverify.UpstreamError of answer resp, with the
// delay its Retry-After asks for.
func (c *Client) transient(resp *http.Response, reason string, err error) error {
	if reason == "" {
		reason = http.StatusText(resp.StatusCode)
	}
	ue := c.Transient(OpList, resp, reason)
	ue.Err = err
	return ue
}

// errorAnswer classifies a failed answer: a refusal for a final one, a
// *bulkverify.UpstreamError for a transient one.
func (c *Client) errorAnswer(req Request, resp *http.Response, r Response) (answer, error) {
	o := Classify(resp.StatusCode, r)
	if o.Transient {
		return answer{}, c.transient(resp, upstream.Clip(r.text()), nil)
	}
	return answer{txn: upstream.Clip(r.TransactionID), refused: true, outcome: o, message: outcomeMessage(o, resp.StatusCode, r, req.TransactionID)}, nil
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
