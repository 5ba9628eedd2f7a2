package flexfactor

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/upstream"
	"github.com/bulkverify/bulkverify/ratelimit"
)

// refusal is an error answer the adapter has read: what was being done, the
// HTTP status, what the upstream said, and the delay it asked for. It never
// leaves the package: Verify turns it into a result or an UpstreamError.
type refusal struct {
	op     string
	status int
	errs   []string
	wait   time.Duration
}

func (r *refusal) Error() string {
	return fmt.Sprintf("%s: HTTP %d: %s", r.op, r.status, strings.Join(r.errs, "; "))
}

// expired reports whether r is a download link refused as expired.
func (r *refusal) expired() bool {
	return r.op == OpDownload && (r.status == http.StatusForbidden || r.status == http.StatusGone)
}

// answer says what the upstream answered, for a message: "HTTP 404:
// Invalid application ID.".
func (r *refusal) answer() string {
	s := fmt.Sprintf("HTTP %d", r.status)
	if r.op == OpList && r.status == http.StatusOK {
		s += " success:false"
	}
	if len(r.errs) > 0 {
		s += ": " + strings.Join(r.errs, "; ")
	}
	return s
}

// refusal reads the status and Retry-After of an error answer; errs are
// what its body said.
func (c *Client) refusal(op string, resp *http.Response, errs ...string) *refusal {
	r := &refusal{op: op, status: resp.StatusCode, wait: upstream.ParseRetryAfter(resp.Header.Get("Retry-After"), c.now())}
	for _, e := range errs {
		if e = upstream.Clip(e); e != "" {
			r.errs = append(r.errs, e)
		}
	}
	return r
}

// post sends a form to base+path with the client credentials as HTTP Basic
// auth. A transport error comes back as a *bulkverify.UpstreamError.
func (c *Client) post(ctx context.Context, op, path string, form url.Values) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ratelimit.WithOperation(ctx, op), http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, &bulkverify.UpstreamError{Provider: bulkverify.ProviderFlexFactor, Op: op, Reason: "bad request URL, check the FlexFactor base URL", Err: err}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.SetBasicAuth(url.QueryEscape(c.clientID), url.QueryEscape(c.secret)) // RFC 6749 §2.3.1 form-encodes both first
	return c.do(c.api, op, req)
}

// get sends GET base+path with the bearer token.
func (c *Client) get(ctx context.Context, token, op, path string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ratelimit.WithOperation(ctx, op), http.MethodGet, c.base+path, nil)
	if err != nil {
		return nil, &bulkverify.UpstreamError{Provider: bulkverify.ProviderFlexFactor, Op: op, Reason: "bad request URL, check the FlexFactor base URL", Err: err}
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	return c.do(c.api, op, req)
}

// do sends req with hc. A transport error comes back as a
// *bulkverify.UpstreamError whose URL has no query: a pre-signed link's
// query is a credential.
func (c *Client) do(hc *http.Client, op string, req *http.Request) (*http.Response, error) {
	resp, err := hc.Do(req)
	if err != nil {
		if ue, ok := err.(*url.Error); ok {
			scrubbed := *ue
			scrubbed.URL = withoutQuery(ue.URL)
			err = &scrubbed
		}
		return nil, &bulkverify.UpstreamError{Provider: bulkverify.ProviderFlexFactor, Op: op, Reason: "no answer", Err: err}
	}
	return resp, nil
}

// settle turns err into what Verify returns: a result for a final refusal,
// else an error. subject names what op was about in the message.
func (c *Client) settle(j *job, subject string, err error) (*bulkverify.Result, error) {
	ref, ok := err.(*refusal)
	if !ok {
		return nil, err
	}
	o := Classify(ref.op, ref.status, ref.errs)
	if o.Transient {
		reason := strings.Join(ref.errs, "; ")
		if ref.expired() {
			reason = "the pre-signed download link was refused again after re-listing: " + reason
		}
		return nil, &bulkverify.UpstreamError{
			Provider:   bulkverify.ProviderFlexFactor,
			Op:         ref.op,
			StatusCode: ref.status,
			Reason:     strings.TrimSuffix(reason, ": "),
			Wait:       ref.wait,
		}
	}
	r := o.Result(j.row, outcomeMessage(o, ref, subject))
	return &r, nil
}

// outcomeMessage says what happened and what to do about it. subject is
// the application or document op was about.
func outcomeMessage(o Outcome, ref *refusal, subject string) string {
	asked := ref.op
	switch ref.op {
	case OpList:
		asked = "list the documents of " + subject
	case OpDownload:
		asked = "download " + subject
	}
	switch {
	case o.Code == bulkverify.CodeTokenInvalid && ref.op == OpToken:
		return fmt.Sprintf("FlexFactor refused the client credentials when asked to %s (%s): check BV_FLEXFACTOR_CLIENT_ID and BV_FLEXFACTOR_CLIENT_SECRET, then submit the row again", asked, ref.answer())
	case o.Code == bulkverify.CodeTokenInvalid:
		return fmt.Sprintf("FlexFactor refused a freshly issued access token when asked to %s (%s): check that BV_FLEXFACTOR_CLIENT_ID and BV_FLEXFACTOR_CLIENT_SECRET belong to a client allowed to read onboarding documents, then submit the row again", asked, ref.answer())
	case o.Code == bulkverify.CodeApplicationNotFound:
		return fmt.Sprintf("FlexFactor has no %s (%s): check the row's application_id", subject, ref.answer())
	case o.Code == bulkverify.CodeDocumentNotFound:
		return fmt.Sprintf("FlexFactor lists %s but its download link found no file (%s): ask the applicant to upload it again, then submit the row again", subject, ref.answer())
	default:
		return fmt.Sprintf("FlexFactor refused to %s (%s): submitting the row unchanged will fail the same way; check the row's application_id, or ask FlexFactor what the error means", asked, ref.answer())
	}
}

// withoutQuery returns raw without its query and fragment.
func withoutQuery(raw string) string {
	raw, _, _ = strings.Cut(raw, "#")
	raw, _, _ = strings.Cut(raw, "?")
	return raw
}
