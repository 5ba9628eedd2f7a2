package deepvue

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/bulkverify/bulkverify/provider/digilocker"
)

// Path is the issued-files endpoint, below the base URL.
const Path = "/v1/kyc/digilocker/issued-files"

// The sub_codes of the seed's answers.
const (
	SubCodeSuccess          = "SUCCESS"
	SubCodeDuplicateRequest = "DUPLICATE_REQUEST"
	SubCodeSessionExpired   = "SESSION_EXPIRED"
)

// Request is the body of POST /v1/kyc/digilocker/issued-files.
type Request struct {
	Consent       string `json:"consent"`
	Purpose       string `json:"purpose"`
	TransactionID string `json:"initial_deepvue_transaction_id"`
}

// Response is any JSON answer of the endpoint: Deepvue's envelope (code,
// timestamp, transaction_id, sub_code, message, and data on success), or
// FastAPI's {"detail": ...} of an auth or validation error. The seed's
// "Failed at bank" answer has "code": null and no sub_code.
//
// Data is kept raw and read by Files, so that one odd item does not hide
// the envelope; Timestamp is kept raw because the seed gives null where
// Deepvue's other APIs give Unix milliseconds.
type Response struct {
	Code          *int            `json:"code"`
	Timestamp     json.RawMessage `json:"timestamp"`
	TransactionID string          `json:"transaction_id"`
	SubCode       string          `json:"sub_code,omitempty"`
	Message       string          `json:"message"`
	Data          json.RawMessage `json:"data,omitempty"`
	Detail        Detail          `json:"detail,omitzero"`
}

// File is one issued document of a success's data. Deepvue passes on
// DigiLocker's items field for field, so they decode as DigiLocker's do:
// strings trimmed (DigiLocker's sample has leading spaces in date and uri)
// and mime a string or a list (the seed's is a list, DigiLocker's sample
// has both).
type File = digilocker.IssuedFile

// Files decodes r's data: a list of files, or none when data is null or
// absent.
func (r Response) Files() ([]File, error) {
	if len(r.Data) == 0 || string(r.Data) == "null" {
		return nil, nil
	}
	var files []File
	if err := json.Unmarshal(r.Data, &files); err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	return files, nil
}

// succeeded reports whether r, the body of a 2xx answer, is a success:
// its envelope's code is 2xx and it has no detail.
func (r Response) succeeded() bool {
	return r.Code != nil && *r.Code/100 == 2 && r.Detail.IsZero()
}

// envelope reports whether r has Deepvue's envelope rather than only a
// detail, or nothing at all (the body of a proxy in front of Deepvue).
func (r Response) envelope() bool {
	return r.Code != nil || r.TransactionID != "" || r.SubCode != "" || strings.TrimSpace(r.Message) != ""
}

// bankFailure reports whether r is the seed's "Failed at bank": an
// envelope whose code is null (or missing) and that has no sub_code.
// DigiLocker behind Deepvue did not answer; asking again later may work.
func (r Response) bankFailure() bool {
	return r.envelope() && r.Code == nil && r.SubCode == ""
}

// text returns what r says went wrong, as one line.
func (r Response) text() string {
	parts := []string{}
	if r.SubCode != "" {
		parts = append(parts, r.SubCode)
	}
	for _, s := range []string{r.Message, r.Detail.String()} {
		if s = strings.TrimSpace(s); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ": ")
}

// Detail is the detail of a FastAPI error body: a message ("Not a valid
// token") or, for a body that fails validation (422), a list of errors.
type Detail struct {
	Message string
	Errors  []ValidationError
}

// ValidationError is one item of a 422's detail list. Loc is the path to
// the field at fault, e.g. ["body", "consent"]; FastAPI gives list indexes
// as numbers.
type ValidationError struct {
	Loc  []any  `json:"loc"`
	Msg  string `json:"msg"`
	Type string `json:"type"`
}

// UnmarshalJSON decodes a string, a list of validation errors or null.
// Anything else is kept as its JSON text.
func (d *Detail) UnmarshalJSON(b []byte) error {
	*d = Detail{}
	if string(b) == "null" {
		return nil
	}
	if err := json.Unmarshal(b, &d.Message); err == nil {
		return nil
	}
	if err := json.Unmarshal(b, &d.Errors); err == nil {
		return nil
	}
	d.Message = string(b)
	return nil
}

// MarshalJSON encodes the list of errors when there is one, else the
// message.
func (d Detail) MarshalJSON() ([]byte, error) {
	if d.Errors != nil {
		return json.Marshal(d.Errors)
	}
	return json.Marshal(d.Message)
}

// IsZero reports whether d holds nothing.
func (d Detail) IsZero() bool { return d.Message == "" && d.Errors == nil }

// String returns the message, or each error as "field: msg", joined by
// "; ".
func (d Detail) String() string {
	if len(d.Errors) == 0 {
		return strings.TrimSpace(d.Message)
	}
	parts := make([]string, 0, len(d.Errors))
	for _, e := range d.Errors {
		parts = append(parts, e.String())
	}
	return strings.Join(parts, "; ")
}

// String returns e as "field: msg", the field being Loc without FastAPI's
// leading "body", joined by dots.
func (e ValidationError) String() string {
	loc := e.Loc
	if len(loc) > 1 && loc[0] == "body" {
		loc = loc[1:]
	}
	names := make([]string, 0, len(loc))
	for _, l := range loc {
		names = append(names, fmt.Sprint(l))
	}
	msg := strings.TrimSpace(e.Msg)
	if len(names) == 0 {
		return msg
	}
	return strings.Join(names, ".") + ": " + msg
}
