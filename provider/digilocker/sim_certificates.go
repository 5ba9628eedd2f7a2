package digilocker

import (
	"bytes"
	_ "embed" // the simulator's XML signing key and certificate
	"encoding/xml"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/bulkverify/bulkverify/provider/digilocker/certxml"
)

// SimXMLCertPEM is the certificate of the key the simulator signs its
// certificate and e-Aadhaar XML with: self-signed, valid from 2025 to
// 2055, for tests and dev only. Dev mode trusts it (the XML_CERT Var).
//
//go:embed sim_xml_cert.pem
var SimXMLCertPEM string

//go:embed sim_xml_key.pem
var simXMLKeyPEM []byte

// simSigner signs the simulator's XML; its key and certificate are fixed,
// so it fails only if they are broken, which the tests would show.
var simSigner = sync.OnceValues(func() (*certxml.Signer, error) {
	return certxml.NewSigner(simXMLKeyPEM, []byte(SimXMLCertPEM))
})

// handleXML serves GET /oauth2/1/xml/{uri} ("Get Certificate Data in XML
// Format from URI"): the certificate of an item that lists
// application/xml, in DigiLocker's generic structure, signed.
func (s *Simulator) handleXML(w http.ResponseWriter, r *http.Request) {
	c, ok := authorize(w, r)
	if !ok {
		return
	}
	uri := strings.TrimSpace(r.PathValue("uri"))
	doc, held := xmlItem(c.docs, uri)
	switch {
	case uri == "":
		writeError(w, "uri_missing")
		return
	case !held:
		writeError(w, "invalid_uri")
		return
	}
	key := xmlKey{uri: uri, holder: c.holder, quirks: c.xml}
	body, err := s.cachedXML(key, func() ([]byte, error) { return certificateXML(doc, c.holder, c.xml) })
	s.writeXML(w, c.xml, body, err)
}

// xmlItem returns the item of uri when it lists application/xml.
func xmlItem(docs []simItem, uri string) (simItem, bool) {
	for _, d := range docs {
		if strings.TrimSpace(d.URI) == uri {
			mimes, _ := d.MIME.([]string)
			return d, d.MIME == "application/xml" || slices.Contains(mimes, "application/xml")
		}
	}
	return simItem{}, false
}

// xmlKey names one distinct XML answer: the certificate of uri, or the
// e-Aadhaar when eaadhaar is set, of holder with quirks.
type xmlKey struct {
	uri      string
	eaadhaar bool
	holder   SimHolder
	quirks   xmlQuirks
}

// cachedXML returns the answer of key, which build makes unsigned: RSA
// signing is too slow for every request, so each distinct answer is built
// and signed once per Simulator.
func (s *Simulator) cachedXML(key xmlKey, build func() ([]byte, error)) ([]byte, error) {
	key.quirks.tampered = false // only the hmac header differs
	if b, ok := s.xmlCache.Load(key); ok {
		return b.([]byte), nil
	}
	b, err := build()
	if err == nil {
		b, err = seal(b, key.holder, key.quirks)
	}
	if err != nil {
		return nil, err
	}
	v, _ := s.xmlCache.LoadOrStore(key, b)
	return v.([]byte), nil
}

// seal signs b, unless quirks say it is unsigned, and forges the signed
// document when they say its signature is bad.
func seal(b []byte, h SimHolder, q xmlQuirks) ([]byte, error) {
	if q.unsigned {
		return b, nil
	}
	signer, err := simSigner()
	if err != nil {
		return nil, err
	}
	if b, err = signer.Sign(b); err != nil || !q.badSig {
		return b, err
	}
	return forge(b, h), nil
}

// forge changes the holder's date of birth in a signed document, as a
// forger would, or else adds an element after the signature.
func forge(b []byte, h SimHolder) []byte {
	dob := h.dashedDOB()
	if year, err := strconv.Atoi(dob[max(0, len(dob)-4):]); err == nil && len(dob) == 10 {
		forged := bytes.Replace(b, []byte(`dob="`+dob+`"`), []byte(`dob="`+dob[:6]+strconv.Itoa(year+1)+`"`), 1)
		if !bytes.Equal(forged, b) {
			return forged
		}
	}
	i := bytes.LastIndex(b, []byte("</"))
	return slices.Concat(b[:i], []byte("<Forged/>"), b[i:])
}

// writeXML answers with an XML document and its hmac header, computed over
// other bytes for an account whose quirks say so; or, when the document
// could not be made, 500 repository_service_exception.
func (s *Simulator) writeXML(w http.ResponseWriter, q xmlQuirks, body []byte, err error) {
	if err != nil {
		writeError(w, "repository_service_exception")
		return
	}
	signed := body
	if q.tampered {
		signed = append(slices.Clip(body), "tampered"...)
	}
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Header().Set("hmac", s.sign(signed))
	w.Write(body)
}

// marshalXML returns v as an XML document: encoding/xml escapes every
// value, so a name may hold any character.
func marshalXML(v any) ([]byte, error) {
	b, err := xml.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), b...), nil
}
