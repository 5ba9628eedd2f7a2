package main

import (
	"bytes"
	"context"
	"encoding/json"

	"flag"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/bulkverify/bulkverify/api"
)

// apiClient talks to a bulkverify API as one tenant.
type apiClient struct {
	base     string
	clientID string
	apiKey   string
	http     *http.Client
}

func clientFlags(fs *flag.FlagSet, getenv func(string) string) *apiClient {
	c := &apiClient{http: &http.Client{Timeout: 10 * time.Minute}}
	fs.StringVar(&c.base, "url", envOr(getenv, "BV_API_URL", "http://127.0.0.1:8080"), "API root `URL` (BV_API_URL)")
	fs.StringVar(&c.clientID, "client-id", envOr(getenv, "BV_CLIENT_ID", "demo"), "client id (BV_CLIENT_ID)")
	fs.StringVar(&c.apiKey, "api-key", envOr(getenv, "BV_API_KEY", "demo-secret"), "client secret sent as x-api-key (BV_API_KEY)")
	return c
}

// checkRequestID refuses an id that is not a request_id (32 hexadecimal
// characters) before it goes into a URL path or a file name, where "../x"
// or "a/b" would name something else.
func checkRequestID(id string) error {
	if len(id) == 32 && strings.Trim(id, "0123456789abcdefABCDEF") == "" {
		return nil
	}
	shown := id
	if len(shown) > 40 {
		shown = shown[:40] + "..."
	}
	return fmt.Errorf("request_id %q is not 32 hexadecimal characters", shown)
}

// requestIDArg checks a REQUEST_ID argument.
func requestIDArg(id string) error {
	if err := checkRequestID(id); err != nil {
		return fmt.Errorf("%w: give the request_id that submit printed, such as 3f2a9c0e5b7d4e1f8a6c2b9d0e4f7a13", err)
	}
	return nil
}

func envOr(getenv func(string) string, k, def string) string {
	if v := getenv(k); v != "" {
		return v
	}
	return def
}

// apiResponse is the envelope of the API's answers.
type apiResponse struct {
	Code    int             `json:"code"`
	SubCode string          `json:"sub_code"`
	Message string          `json:"message"`
	Detail  string          `json:"detail"`
	Data    json.RawMessage `json:"data"`
}

// send makes one request and returns the HTTP status and the answer's
// envelope, whatever the status: only a request that gets no readable
// answer is an error.
func (c *apiClient) send(ctx context.Context, method, path string, body io.Reader, contentType string, hdr map[string]string) (int, *apiResponse, error) {
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(c.base, "/")+path, body)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("client-id", c.clientID)
	req.Header.Set("x-api-key", c.apiKey)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("%s %s: %w (is the API running? check --url / BV_API_URL)", method, c.base, err)
	}
	defer resp.Body.Close()
	var out apiResponse
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return resp.StatusCode, nil, fmt.Errorf("%s %s: HTTP %d with an unreadable body: %w", method, path, resp.StatusCode, err)
	}
	return resp.StatusCode, &out, nil
}

// do is send that turns an answer of 300 or more into an error.
func (c *apiClient) do(ctx context.Context, method, path string, body io.Reader, contentType string, hdr map[string]string) (*apiResponse, error) {
	code, out, err := c.send(ctx, method, path, body, contentType, hdr)
	if err != nil {
		return nil, err
	}
	if code >= 300 {
		return nil, statusError(code, out)
	}
	return out, nil
}

// statusError says what an answer of 300 or more means.
func statusError(code int, out *apiResponse) error {
	msg := out.Message
	if out.Detail != "" {
		msg = out.Detail + " (check --client-id and --api-key)"
	}
	if out.SubCode != "" {
		msg = out.SubCode + ": " + msg
	}
	return fmt.Errorf("HTTP %d: %s", code, msg)
}

// uploadOptions are the upload's option fields, sent before the file.
type uploadOptions struct {
	idemKey        string
	dryRun         bool
	metadata       map[string]string
	callbackURL    string
	maxFailureRate string
}

// upload sends file as a multipart upload and returns the answer's data:
// the accepted batch, or a dry run's report.
func (c *apiClient) upload(ctx context.Context, file, provider string, o uploadOptions) (json.RawMessage, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	code, resp, err := c.sendUpload(ctx, filepath.Base(file), f, provider, o)
	if err == nil && code >= 300 {
		err = statusError(code, resp)
	}
	if err != nil {
		return nil, fmt.Errorf("upload %s: %w", file, err)
	}
	return resp.Data, nil
}

// sendUpload streams r as the multipart file name, after o's fields, and
// returns the HTTP status and the envelope, as send does.
func (c *apiClient) sendUpload(ctx context.Context, name string, r io.Reader, provider string, o uploadOptions) (int, *apiResponse, error) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		err := writeOptions(mw, o)
		var part io.Writer
		if err == nil {
			part, err = mw.CreateFormFile("file", name)
		}
		if err == nil {
			_, err = io.Copy(part, r)
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	defer pr.Close() // ends the writer if the answer comes before the whole body went
	hdr := map[string]string{}
	if o.idemKey != "" {
		hdr["Idempotency-Key"] = o.idemKey
	}
	return c.send(ctx, http.MethodPost, "/v1/verification/batch?provider="+url.QueryEscape(provider), pr, mw.FormDataContentType(), hdr)
}

func writeOptions(mw *multipart.Writer, o uploadOptions) error {
	fields := map[string]string{"callback_url": o.callbackURL, "max_failure_rate": o.maxFailureRate}
	if o.dryRun {
		fields["dry_run"] = "true"
	}
	if len(o.metadata) > 0 {
		b, _ := json.Marshal(o.metadata)
		fields["metadata"] = string(b)
	}
	for k, v := range fields {
		if v == "" {
			continue
		}
		if err := mw.WriteField(k, v); err != nil {
			return err
		}
	}
	return nil
}

// accepted is the data of a 202 answer.
type accepted struct {
	RequestID    string `json:"request_id"`
	TotalRows    int    `json:"total_rows"`
	RejectedRows int    `json:"rejected_rows"`
	Duplicates   int    `json:"duplicates"`
}

// providerInfo is a provider as GET /v1/providers describes it.
type providerInfo struct {
	Name            string   `json:"name"`
	RequiredColumns []string `json:"required_columns"`
	OptionalColumns []string `json:"optional_columns"`
	Claims          []string `json:"claims"`
	SecretColumns   []string `json:"secret_columns"`
	Enabled         bool     `json:"enabled"`
}

// providers returns the providers the server knows, sorted by name.
func (c *apiClient) providers(ctx context.Context) ([]providerInfo, error) {
	resp, err := c.do(ctx, http.MethodGet, "/v1/providers", nil, "", nil)
	if err != nil {
		return nil, err
	}
	var d struct {
		Providers []providerInfo `json:"providers"`
	}
	if err := json.Unmarshal(resp.Data, &d); err != nil {
		return nil, fmt.Errorf("GET /v1/providers: %w", err)
	}
	return d.Providers, nil
}

// post sends an empty POST to path and decodes the answer's data into v.
func (c *apiClient) post(ctx context.Context, path string, v any) error {
	resp, err := c.do(ctx, http.MethodPost, path, nil, "", nil)
	if err != nil {
		return err
	}
	return json.Unmarshal(resp.Data, v)
}

func (c *apiClient) status(ctx context.Context, id string) (api.BatchStatus, json.RawMessage, error) {
	resp, err := c.do(ctx, http.MethodGet, "/v1/verification/batch-processing-status?request_id="+url.QueryEscape(id), nil, "", nil)
	if err != nil {
		return api.BatchStatus{}, nil, err
	}
	var d api.BatchStatus
	err = json.Unmarshal(resp.Data, &d)
	return d, resp.Data, err
}

func download(ctx context.Context, u, path string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("download output: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("download output: HTTP %d: %s", resp.StatusCode, bytes.TrimSpace(b))
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return fmt.Errorf("download output to %s: %w", path, err)
	}
	return f.Close()
}
