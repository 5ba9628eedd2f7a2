package flexfactor

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/upstream"
	"github.com/bulkverify/bulkverify/ratelimit"
)

// sniffLen is how many leading bytes of a file are kept for its type check:
// what http.DetectContentType considers.
const sniffLen = 512

// file is what a download of a document gave.
type file struct {
	sha256    string // hex digest; "" when the file was cut off
	size      int64  // bytes read
	cutOff    bool   // the file went on past the listed fileSize
	head      []byte // the first sniffLen bytes
	tooLarge  bool   // the listed fileSize exceeds the Client's limit: not downloaded
	sizeLimit int64
}

// download fetches doc's file from its pre-signed link, without the bearer
// token, streaming it through SHA-256. It reads at most one byte past the
// listed fileSize. An answer that refuses comes back as a *refusal, a
// redirect to an untrusted link as an *untrustedURL, no answer as a
// *bulkverify.UpstreamError.
func (c *Client) download(ctx context.Context, doc Document) (file, error) {
	if doc.FileSize > c.maxFile {
		return file{tooLarge: true, sizeLimit: c.maxFile}, nil
	}
	req, err := http.NewRequestWithContext(ratelimit.WithOperation(ctx, OpDownload), http.MethodGet, strings.TrimSpace(doc.DownloadURL), nil)
	if err != nil {
		return file{}, c.Error(OpDownload, nil, "unusable download link", nil)
	}
	resp, err := c.files.Do(OpDownload, req)
	if err != nil {
		var bad *untrustedURL
		if errors.As(err, &bad) {
			return file{}, bad
		}
		return file{}, err
	}
	defer upstream.CloseBody(resp)
	if resp.StatusCode/100 != 2 {
		return file{}, c.refusal(OpDownload, resp, downloadErrors(resp.Body)...)
	}
	limit := max(doc.FileSize, 0) + 1
	sh := sha256.New()
	head := &prefix{max: sniffLen}
	n, err := io.Copy(io.MultiWriter(sh, head), io.LimitReader(resp.Body, limit))
	if err != nil {
		return file{}, c.Error(OpDownload, resp, "file download broke off", err)
	}
	f := file{size: n, head: head.buf, cutOff: n == limit}
	if !f.cutOff {
		f.sha256 = hex.EncodeToString(sh.Sum(nil))
	}
	return f, nil
}

// check returns which of doc's listed properties f does not have: its size
// and its type, told by its leading bytes.
func (f file) check(doc Document) []string {
	var problems []string
	switch {
	case f.tooLarge:
		return []string{fmt.Sprintf("its listed fileSize %d is larger than the %d-byte limit, so it was not downloaded: raise the limit if such files are expected", doc.FileSize, f.sizeLimit)}
	case f.cutOff:
		problems = append(problems, fmt.Sprintf("size check failed: the file goes on past its listed fileSize %d (at least %d bytes)", doc.FileSize, f.size))
	case f.size != doc.FileSize:
		problems = append(problems, fmt.Sprintf("size check failed: the file has %d bytes, its listed fileSize is %d", f.size, doc.FileSize))
	}
	if p := typeProblem(doc.FileType, f.head); p != "" {
		problems = append(problems, "type check failed: "+p)
	}
	return problems
}

// magic holds the leading bytes of the file types the adapter knows.
var magic = map[string][]byte{
	"application/pdf": []byte("%PDF-"),
	"image/jpeg":      {0xFF, 0xD8, 0xFF},
	"image/jpg":       {0xFF, 0xD8, 0xFF},
	"image/png":       {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'},
}

// typeProblem returns why head does not start a file of fileType, or "".
// A type without a known magic number is compared with what
// http.DetectContentType makes of head.
func typeProblem(fileType string, head []byte) string {
	want := mediaType(fileType)
	detected := mediaType(http.DetectContentType(head))
	if m, ok := magic[want]; ok {
		if bytes.HasPrefix(head, m) {
			return ""
		}
		return fmt.Sprintf("the listed fileType is %s, but the file does not start with its magic number %q (it looks like %s)", want, m, detected)
	}
	if want == detected {
		return ""
	}
	return fmt.Sprintf("the listed fileType is %q, but the file looks like %s", fileType, detected)
}

// downloadFailed turns a failed download of doc into what Verify returns;
// nil, nil when err is nil.
func (c *Client) downloadFailed(j *job, doc Document, err error) (*bulkverify.Result, error) {
	if err == nil {
		return nil, nil
	}
	var bad *untrustedURL
	if errors.As(err, &bad) {
		r := withDocument(bulkverify.NotVerified(j.row, bulkverify.CodeUntrustedDownloadURL, fmt.Sprintf(
			"the download of document %q (%s) was %s, so it was not followed: if FlexFactor really serves files from there, add the host to the allowed download hosts",
			doc.DocumentID, doc.DocumentType, bad)), doc)
		return &r, nil
	}
	stop, err := c.settle(j, fmt.Sprintf("document %q (%s) of application %q", doc.DocumentID, doc.DocumentType, j.app), err)
	if stop != nil {
		*stop = withDocument(*stop, doc)
	}
	return stop, err
}

// integrityFailed returns the INTEGRITY_FAILED result of doc's file f.
func integrityFailed(j *job, doc Document, f file, problems []string) bulkverify.Result {
	r := withDocument(bulkverify.NotVerified(j.row, bulkverify.CodeIntegrityFailed, fmt.Sprintf(
		"the file of document %q (%s) of application %q does not match its listing: %s; ask the applicant to upload it again",
		doc.DocumentID, doc.DocumentType, j.app, strings.Join(problems, "; "))), doc)
	r.SHA256, r.MIME = f.sha256, doc.FileType
	if f.sha256 != "" {
		r.Size = strconv.FormatInt(f.size, 10)
	}
	return r
}

// downloadErrors returns what a refused download's body says: the Code and
// Message of an S3-style XML error, or the errors or message of a JSON one.
func downloadErrors(body io.Reader) []string {
	b, _ := io.ReadAll(io.LimitReader(body, upstream.MaxErrorBytes))
	var x struct {
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	}
	if xml.Unmarshal(b, &x) == nil && (x.Code != "" || x.Message != "") {
		return []string{strings.TrimPrefix(strings.TrimSpace(x.Code)+": "+strings.TrimSpace(x.Message), ": ")}
	}
	var j struct {
		Errors  []string `json:"errors"`
		Message string   `json:"message"`
	}
	if json.Unmarshal(b, &j) == nil {
		return append(j.Errors, j.Message)
	}
	return nil
}

// mediaType returns the media type of a Content-Type value, lower-cased and
// without parameters, or the value itself when it cannot be parsed.
func mediaType(contentType string) string {
	if t, _, err := mime.ParseMediaType(contentType); err == nil {
		return t
	}
	return strings.ToLower(strings.TrimSpace(contentType))
}

// prefix keeps the first max bytes written to it.
type prefix struct {
	buf []byte
	max int
}

func (p *prefix) Write(b []byte) (int, error) {
	if room := p.max - len(p.buf); room > 0 {
		p.buf = append(p.buf, b[:min(room, len(b))]...)
	}
	return len(b), nil
}
