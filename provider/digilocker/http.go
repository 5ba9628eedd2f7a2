package digilocker

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/upstream"
)

// get sends GET Base+path with the bearer token. A transport error comes
// back as a *bulkverify.UpstreamError.
func (c *Client) get(ctx context.Context, token, op, path string) (*http.Response, error) {
	req, err := c.NewRequest(ctx, op, http.MethodGet, path, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	return c.Do(op, req)
}

// getJSON GETs path with the session's token and decodes a 2xx answer
// into v. It returns a result when an error answer stops the row.
func (s *session) getJSON(ctx context.Context, op, path string, v any) (*bulkverify.Result, error) {
	resp, stop, err := s.get(ctx, op, path)
	if stop != nil || err != nil {
		return stop, err
	}
	defer upstream.CloseBody(resp)
	if resp.StatusCode/100 != 2 {
		return s.c.errorAnswer(s.row, op, "", resp)
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, upstream.MaxJSONBytes)).Decode(v); err != nil {
		return nil, s.c.Unreadable(op, resp, err)
	}
	return nil, nil
}

// errorAnswer reads an error answer and classifies it: a result for a final
// answer, a *bulkverify.UpstreamError for a transient one. subject, when
// given, names what op was about in the message.
func (c *Client) errorAnswer(row bulkverify.Row, op, subject string, resp *http.Response) (*bulkverify.Result, error) {
	var e APIError
	if err := upstream.ReadErrorBody(resp, &e); err != nil {
		return nil, c.Unreadable(op, resp, err)
	}
	e.Description = upstream.Clip(e.Description)
	o := Classify(resp.StatusCode, e.Code)
	if o.Transient {
		reason := e.Code
		if e.Description != "" {
			reason += ": " + e.Description
		}
		return nil, c.Transient(op, resp, strings.TrimPrefix(reason, ": "))
	}
	if subject != "" {
		op += " " + subject
	}
	r := o.Result(row, outcomeMessage(o, op, resp.StatusCode, e))
	return &r, nil
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
	case bulkverify.CodeAadhaarNotLinked, bulkverify.CodeAadhaarNotAvailable:
		return fmt.Sprintf("DigiLocker has no e-Aadhaar data for this account (%s), so the row's claims about the Aadhaar cannot be checked: ask the user to link their Aadhaar in DigiLocker (or perform Aadhaar eKYC again), then submit the row again", answer)
	case bulkverify.CodeDocumentNotFound:
		return fmt.Sprintf("DigiLocker found no file when asked to %s (%s): the document may have been removed from the locker; ask the user to check it in DigiLocker, then submit the row again", op, answer)
	default:
		return fmt.Sprintf("DigiLocker rejected the request to %s (%s): check the row's doctype and uri; submitting it unchanged will fail the same way", op, answer)
	}
}
