package digilocker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/upstream"
	"github.com/bulkverify/bulkverify/ratelimit"
)

// get sends GET base+path with the bearer token. A transport error comes
// back as a *bulkverify.UpstreamError.
func (c *Client) get(ctx context.Context, token, op, path string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ratelimit.WithOperation(ctx, op), http.MethodGet, c.base+path, nil)
	if err != nil {
		return nil, &bulkverify.UpstreamError{Provider: bulkverify.ProviderDigiLocker, Op: op, Reason: "bad request URL, check the DigiLocker base URL", Err: err}
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, &bulkverify.UpstreamError{Provider: bulkverify.ProviderDigiLocker, Op: op, Reason: "no answer", Err: err}
	}
	return resp, nil
}

// getJSON GETs path and decodes a 2xx answer into v. It returns a result
// when an error answer stops the row.
func (c *Client) getJSON(ctx context.Context, row bulkverify.Row, token, op, path string, v any) (*bulkverify.Result, error) {
	resp, err := c.get(ctx, token, op, path)
	if err != nil {
		return nil, err
	}
	defer upstream.CloseBody(resp)
	if resp.StatusCode/100 != 2 {
		return c.errorAnswer(row, op, "", resp)
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, upstream.MaxJSONBytes)).Decode(v); err != nil {
		return nil, &bulkverify.UpstreamError{Provider: bulkverify.ProviderDigiLocker, Op: op, StatusCode: resp.StatusCode, Reason: "unreadable answer", Err: err}
	}
	return nil, nil
}

// errorAnswer reads an error answer and classifies it: a result for a final
// answer, a *bulkverify.UpstreamError for a transient one. subject, when
// given, names what op was about in the message. An answer whose body was
// cut off is transient unless its status alone decides (401): asked again,
// the upstream says in full what it meant.
func (c *Client) errorAnswer(row bulkverify.Row, op, subject string, resp *http.Response) (*bulkverify.Result, error) {
	var e APIError
	err := json.NewDecoder(io.LimitReader(resp.Body, upstream.MaxErrorBytes)).Decode(&e) // a body that is not the spec's still has a status
	e.Description = upstream.Clip(e.Description)
	o := Classify(resp.StatusCode, e.Code)
	if cutOff(err) && resp.StatusCode != http.StatusUnauthorized {
		return nil, &bulkverify.UpstreamError{
			Provider: bulkverify.ProviderDigiLocker, Op: op, StatusCode: resp.StatusCode,
			Reason: "answer cut off", Err: err,
		}
	}
	if o.Transient {
		reason := e.Code
		if e.Description != "" {
			reason += ": " + e.Description
		}
		return nil, &bulkverify.UpstreamError{
			Provider:   bulkverify.ProviderDigiLocker,
			Op:         op,
			StatusCode: resp.StatusCode,
			Reason:     strings.TrimPrefix(reason, ": "),
			Wait:       upstream.ParseRetryAfter(resp.Header.Get("Retry-After"), c.now()),
		}
	}
	if subject != "" {
		op += " " + subject
	}
	r := o.Result(row, outcomeMessage(o, op, resp.StatusCode, e))
	return &r, nil
}

// cutOff reports whether decoding a body failed because the body ended
// early or could not be read, rather than because it is not JSON (a
// gateway's HTML page) or is empty.
func cutOff(decodeErr error) bool {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	return decodeErr != nil && decodeErr != io.EOF && !errors.As(decodeErr, &syntax) && !errors.As(decodeErr, &typ)
}

// outcomeMessage says what happened and what to do about it.
func outcomeMessage(o Outcome, op string, status int, e APIError) string {
	answer := fmt.Sprintf("HTTP %d", status)
	if e.Code != "" {
		answer += " " + e.Code
	}
	if e.Description != "" {
		answer += ": " + e.Description
	}
	switch o.Code {
	case bulkverify.CodeTokenInvalid:
		return fmt.Sprintf("DigiLocker rejected the access token (%s) when asked to %s: ask the user to sign in to DigiLocker again and submit the row with the new token", answer, op)
	case bulkverify.CodeConsentRequired:
		return fmt.Sprintf("DigiLocker refused to %s (%s): the user's consent does not cover it; ask the user to sign in to DigiLocker again, allow access to their profile and this document, and submit the row with the new token", op, answer)
	case bulkverify.CodeDocumentNotFound:
		return fmt.Sprintf("DigiLocker found no file when asked to %s (%s): the document may have been removed from the locker; ask the user to check it in DigiLocker, then submit the row again", op, answer)
	default:
		return fmt.Sprintf("DigiLocker rejected the request to %s (%s): check the row's doctype and uri; submitting it unchanged will fail the same way", op, answer)
	}
}
