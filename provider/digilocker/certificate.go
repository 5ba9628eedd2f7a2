package digilocker

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/claims"
	"github.com/bulkverify/bulkverify/provider/digilocker/certxml"
	"github.com/bulkverify/bulkverify/provider/upstream"
)

// certificateEvidence fetches doc's certificate XML (spec 1.12, "Get
// Certificate Data in XML Format from URI") and records its number,
// status, expiry and holder. A listing that offered XML DigiLocker then
// does not hold (invalid_uri) leaves the claims to the other sources.
func (c *Client) certificateEvidence(ctx context.Context, s *session, doc IssuedFile, ev *claims.Evidence) (*bulkverify.Result, error) {
	body, stop, err := c.fetchXML(ctx, s, doc, OpXML, "/oauth2/1/xml/"+url.PathEscape(doc.URI))
	if stop != nil && stop.Code == bulkverify.CodeDocumentNotFound {
		return nil, nil
	}
	if stop != nil || err != nil {
		return stop, err
	}
	cert, err := certxml.ParseCertificate(body)
	if err != nil {
		return c.unreadableXML(s.row, doc, "certificate", err), nil
	}
	if stop := c.checkSignature(s.row, doc, OpXML, body); stop != nil {
		return stop, nil
	}
	ev.Status, ev.Expiry = cert.Status, cert.ExpiryDate
	ev.Set(bulkverify.ClaimDocumentNumber, claims.Value{Text: cert.Number, Source: bulkverify.SourceCertificate})
	setPerson(ev, cert.Holder, bulkverify.SourceCertificate)
	return nil, nil
}

// eAadhaarEvidence fetches the account's e-Aadhaar XML (spec 1.12, "Get
// e-Aadhaar Data in XML Format") and records its masked uid and holder.
func (c *Client) eAadhaarEvidence(ctx context.Context, s *session, doc IssuedFile, ev *claims.Evidence) (*bulkverify.Result, error) {
	body, stop, err := c.fetchXML(ctx, s, doc, OpEAadhaar, "/oauth2/3/xml/eaadhaar")
	if stop != nil || err != nil {
		return stop, err
	}
	ea, err := certxml.ParseEAadhaar(body)
	if err != nil {
		return c.unreadableXML(s.row, doc, "e-Aadhaar", err), nil
	}
	if stop := c.checkSignature(s.row, doc, OpEAadhaar, body); stop != nil {
		return stop, nil
	}
	ev.Set(bulkverify.ClaimDocumentNumber, claims.Value{Text: ea.UID, Source: bulkverify.SourceEAadhaar})
	setPerson(ev, ea.Holder, bulkverify.SourceEAadhaar)
	return nil, nil
}

// fetchXML GETs an XML document of op, at most certxml.MaxBytes, and
// checks it against its hmac header; its signature is checked once a reader
// has read it (checkSignature). A result stops the row.
func (c *Client) fetchXML(ctx context.Context, s *session, doc IssuedFile, op, path string) ([]byte, *bulkverify.Result, error) {
	resp, stop, err := s.get(ctx, op, path)
	if err != nil {
		return nil, nil, err
	}
	if stop != nil {
		return nil, withResultDoc(*stop, doc), nil
	}
	defer upstream.CloseBody(resp)
	if resp.StatusCode/100 != 2 {
		stop, err := c.errorAnswer(s.row, op, doc.URI, resp)
		if err != nil {
			return nil, nil, err
		}
		return nil, withResultDoc(*stop, doc), nil
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, certxml.MaxBytes+1))
	if err != nil {
		return nil, nil, c.Error(op, resp, "XML download broke off", err)
	}
	if problem := c.xmlIntegrity(resp, body); problem != "" {
		return nil, c.xmlRefused(s.row, doc, op, problem), nil
	}
	return body, nil, nil
}

// checkSignature checks the enveloped signature of body, XML that a
// certxml reader has read, when a signing certificate is configured. A
// result stops the row.
func (c *Client) checkSignature(row bulkverify.Row, doc IssuedFile, op string, body []byte) *bulkverify.Result {
	if c.xmlCert == nil {
		return nil
	}
	switch err := c.xmlCert.VerifyRead(body); {
	case errors.Is(err, certxml.ErrUnsigned):
		return c.xmlRefused(row, doc, op, "is not signed, and BV_DIGILOCKER_XML_CERT asks for a signature: the document cannot be trusted; ask the issuer or DigiLocker")
	case err != nil:
		return c.xmlRefused(row, doc, op, "has a signature that does not verify against BV_DIGILOCKER_XML_CERT ("+upstream.Clip(err.Error())+"): the document was altered, or the configured certificate is not the signer's")
	}
	return nil
}

// xmlRefused is the INTEGRITY_FAILED result of an XML answer to op.
func (c *Client) xmlRefused(row bulkverify.Row, doc IssuedFile, op, problem string) *bulkverify.Result {
	r := withDocument(bulkverify.NotVerified(row, bulkverify.CodeIntegrityFailed, fmt.Sprintf(
		"DigiLocker's answer to %s for URI %q %s", op, doc.URI, problem)), doc)
	return &r
}

// xmlIntegrity returns why body cannot be trusted, or "".
func (c *Client) xmlIntegrity(resp *http.Response, body []byte) string {
	if len(body) > certxml.MaxBytes {
		return fmt.Sprintf("is larger than %d bytes, more than any certificate: it was not read", certxml.MaxBytes)
	}
	header := strings.TrimSpace(resp.Header.Get("hmac"))
	if header == "" {
		return "came without an hmac header, so its integrity cannot be checked: submit the row again later"
	}
	if !hmac.Equal(decodeBase64(header), c.mac(body)) {
		return "does not match its hmac header: it was altered on the way, or the configured DigiLocker client secret is not this application's; check the secret, then submit the row again"
	}
	return ""
}

// mac returns the HMAC-SHA256 of b keyed by the client secret.
func (c *Client) mac(b []byte) []byte {
	m := hmac.New(sha256.New, c.secret)
	m.Write(b)
	return m.Sum(nil)
}

// unreadableXML is the result of a document whose XML passed its hmac
// check but cannot be read: what DigiLocker sent cannot bear out a claim.
func (c *Client) unreadableXML(row bulkverify.Row, doc IssuedFile, what string, err error) *bulkverify.Result {
	r := withDocument(bulkverify.NotVerified(row, bulkverify.CodeIntegrityFailed, fmt.Sprintf(
		"DigiLocker's %s XML for URI %q cannot be read (%s), so it cannot bear out the row's claims: ask DigiLocker or the issuer about the document", what, doc.URI, upstream.Clip(err.Error()))), doc)
	return &r
}

// withResultDoc returns &r with doc's identity.
func withResultDoc(r bulkverify.Result, doc IssuedFile) *bulkverify.Result {
	r = withDocument(r, doc)
	return &r
}
