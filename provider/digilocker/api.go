package digilocker

import (
	"encoding/json"
	"fmt"
	"strings"
)

// User is the answer of GET /oauth2/1/user (spec 1.12, "Get User Details").
type User struct {
	DigiLockerID string `json:"digilockerid"`
	Name         string `json:"name"`
	DOB          string `json:"dob"` // DDMMYYYY
	Gender       string `json:"gender"`
	EAadhaar     string `json:"eaadhaar"`
	ReferenceKey string `json:"reference_key"`
}

// IssuedFiles is the answer of GET /oauth2/2/files/issued (spec 1.12, "Get
// List of Issued Documents").
type IssuedFiles struct {
	Items []IssuedFile `json:"items"`
}

// IssuedFile is one issued document. Decoding trims every string field: the
// spec's sample has leading spaces in date and uri.
type IssuedFile struct {
	Name        string    `json:"name"`
	Type        string    `json:"type"`
	Size        string    `json:"size"`
	Date        string    `json:"date"`
	Parent      string    `json:"parent"`
	MIME        MIMETypes `json:"mime"`
	URI         string    `json:"uri"`
	DocType     string    `json:"doctype"`
	Description string    `json:"description"`
	IssuerID    string    `json:"issuerid"`
	Issuer      string    `json:"issuer"`
}

// UnmarshalJSON decodes f and trims its strings.
func (f *IssuedFile) UnmarshalJSON(b []byte) error {
	type plain IssuedFile
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*f = IssuedFile(p)
	for _, s := range []*string{&f.Name, &f.Type, &f.Size, &f.Date, &f.Parent, &f.URI, &f.DocType, &f.Description, &f.IssuerID, &f.Issuer} {
		*s = strings.TrimSpace(*s)
	}
	return nil
}

// MIMETypes is the mime field of an issued document. The spec calls it "the
// list of mime types" yet its sample gives a plain string in one item and
// [{"application/pdf"}, {"application/xml"}] in another, which is not valid
// JSON. Following the evident intent, a JSON string (one type, or none when
// empty), a JSON array of strings and null are accepted; anything else is an
// error.
type MIMETypes []string

// UnmarshalJSON decodes a string, an array of strings or null.
func (m *MIMETypes) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*m = nil
		if one = strings.TrimSpace(one); one != "" {
			*m = MIMETypes{one}
		}
		return nil
	}
	var list []string
	if err := json.Unmarshal(b, &list); err != nil {
		return fmt.Errorf("mime: want a string or a list of strings, got %.40s", b)
	}
	*m = make(MIMETypes, 0, len(list))
	for _, s := range list {
		if s = strings.TrimSpace(s); s != "" {
			*m = append(*m, s)
		}
	}
	return nil
}

// APIError is DigiLocker's error body: {"error": ..., "error_description": ...}.
type APIError struct {
	Code        string `json:"error"`
	Description string `json:"error_description"`
}

// UnmarshalJSON decodes e and trims its strings: the spec's sample sends
// "partner_service_unresponsive " with a trailing space.
func (e *APIError) UnmarshalJSON(b []byte) error {
	type plain APIError
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*e = APIError{Code: strings.TrimSpace(p.Code), Description: strings.TrimSpace(p.Description)}
	return nil
}
