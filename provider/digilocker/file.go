package digilocker

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"net/url"
	"strconv"
	"strings"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider/upstream"
)

// checkFile downloads doc's file and checks it against its hmac header.
func (c *Client) checkFile(ctx context.Context, s *session, doc IssuedFile) (bulkverify.Result, error) {
	row := s.row
	resp, stop, err := s.get(ctx, OpFile, "/oauth2/1/file/"+url.PathEscape(doc.URI))
	if err != nil {
		return bulkverify.Result{}, err
	}
	if stop != nil {
		return withDocument(*stop, doc), nil
	}
	defer upstream.CloseBody(resp)
	if resp.StatusCode/100 != 2 {
		stop, err := c.errorAnswer(row, OpFile, doc.URI, resp)
		if err != nil {
			return bulkverify.Result{}, err
		}
		return withDocument(*stop, doc), nil
	}
	if resp.ContentLength > c.maxFile {
		return c.tooBig(row, doc, resp.ContentLength), nil
	}
	sum, mac, size, err := c.digest(resp.Body)
	if err != nil {
		return bulkverify.Result{}, c.Error(OpFile, resp, "file download broke off", err)
	}
	if size > c.maxFile {
		return c.tooBig(row, doc, size), nil
	}
	res := c.judge(row, doc, resp.Header.Get("hmac"), mac)
	res = withDocument(res, doc)
	res.SHA256 = hex.EncodeToString(sum)
	res.Size = strconv.FormatInt(size, 10)
	res.MIME = mediaType(resp.Header.Get("Content-Type"))
	return res, nil
}

// digest streams body through SHA-256 and the HMAC keyed by the client
// secret, reading at most one byte past the limit.
func (c *Client) digest(body io.Reader) (sum, mac []byte, size int64, err error) {
	sh := sha256.New()
	hm := hmac.New(sha256.New, c.secret)
	size, err = io.Copy(io.MultiWriter(sh, hm), io.LimitReader(body, c.maxFile+1))
	return sh.Sum(nil), hm.Sum(nil), size, err
}

// judge compares the hmac header with the file's HMAC in constant time.
func (c *Client) judge(row bulkverify.Row, doc IssuedFile, header string, mac []byte) bulkverify.Result {
	header = strings.TrimSpace(header)
	if header == "" {
		return bulkverify.NotVerified(row, bulkverify.CodeIntegrityFailed, fmt.Sprintf(
			"DigiLocker sent the file of URI %q without an hmac header, so its integrity cannot be checked: submit the row again later", doc.URI))
	}
	if !hmac.Equal(decodeBase64(header), mac) {
		return bulkverify.NotVerified(row, bulkverify.CodeIntegrityFailed, fmt.Sprintf(
			"the file of URI %q does not match its hmac header: it was altered on the way, or the configured DigiLocker client secret is not this application's; check the secret, then submit the row again", doc.URI))
	}
	r := bulkverify.Verified(row, fmt.Sprintf("DigiLocker holds the %s %q issued by %s (%s); the file matches its hmac header",
		doc.DocType, doc.Name, doc.Issuer, doc.IssuerID))
	r.VerifiedAt = c.Stamp()
	return r
}

func (c *Client) tooBig(row bulkverify.Row, doc IssuedFile, size int64) bulkverify.Result {
	r := bulkverify.NotVerified(row, bulkverify.CodeIntegrityFailed, fmt.Sprintf(
		"the file of URI %q is larger than the %d-byte limit (at least %d bytes), so it was not checked: raise the limit if such files are expected", doc.URI, c.maxFile, size))
	return withDocument(r, doc)
}

// decodeBase64 decodes standard Base64, padded or not; nil if it is not.
func decodeBase64(s string) []byte {
	if b, err := base64.StdEncoding.DecodeString(s); err == nil {
		return b
	}
	b, _ := base64.RawStdEncoding.DecodeString(s)
	return b
}

// withDocument adds doc's identity to r.
func withDocument(r bulkverify.Result, doc IssuedFile) bulkverify.Result {
	r.DocumentType, r.DocumentID, r.Issuer = doc.DocType, doc.URI, doc.Issuer
	return r
}

// mediaType returns the media type of a Content-Type value, lower-cased and
// without parameters, or the value itself when it cannot be parsed.
func mediaType(contentType string) string {
	if t, _, err := mime.ParseMediaType(contentType); err == nil {
		return t
	}
	return strings.TrimSpace(contentType)
}
