package sila

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// The fixed values of a header_msg header (seed 001).
const (
	HeaderVersion = "0.2"
	HeaderCrypto  = "ETH"
	HeaderMessage = "header_msg"
)

// Header is the header object of a header_msg request body.
type Header struct {
	Created    int64  `json:"created"` // Unix seconds
	AppHandle  string `json:"app_handle"`
	UserHandle string `json:"user_handle"`
	Version    string `json:"version"`
	Crypto     string `json:"crypto"`
	Reference  string `json:"reference"` // unique per request, echoed in the answer
}

// ListDocumentsRequest is the body of POST /0.2/list_documents: the
// header_msg object and the optional filters.
type ListDocumentsRequest struct {
	Header    Header   `json:"header"`
	Message   string   `json:"message"`
	StartDate string   `json:"start_date,omitempty"` // YYYY-MM-DD, created on or after
	EndDate   string   `json:"end_date,omitempty"`   // YYYY-MM-DD, created on or before
	DocTypes  []string `json:"doc_types,omitempty"`  // short names, e.g. id_passport
	Search    string   `json:"search,omitempty"`     // part of name or filename
	SortBy    string   `json:"sort_by,omitempty"`    // name or date
}

// ListDocumentsResponse is the answer of POST /0.2/list_documents. Message
// and ValidationDetails come only with failures.
type ListDocumentsResponse struct {
	Success           bool              `json:"success"`
	Status            string            `json:"status"`
	Reference         string            `json:"reference"`
	ResponseTimeMS    Text              `json:"response_time_ms"`
	Documents         []Document        `json:"documents"`
	Pagination        Pagination        `json:"pagination"`
	Message           string            `json:"message,omitempty"`
	ValidationDetails ValidationDetails `json:"validation_details,omitempty"`
}

// failed reports whether r is a failure: success false, unless an answer
// without success says status SUCCESS.
func (r ListDocumentsResponse) failed() bool {
	return !r.Success && !strings.EqualFold(strings.TrimSpace(r.Status), "SUCCESS")
}

// apiError returns the failure r reports.
func (r ListDocumentsResponse) apiError() APIError {
	return APIError{Success: r.Success, Status: r.Status, Reference: r.Reference, Message: r.Message, ValidationDetails: r.ValidationDetails}
}

// Document is one listed document. Size is a string in the seed's sample
// ("12345678") and a number in its Java example (211341); Text takes both.
type Document struct {
	UserHandle string `json:"user_handle"`
	DocumentID string `json:"document_id"`
	Name       string `json:"name"`
	Filename   string `json:"filename"`
	Hash       string `json:"hash"` // SHA-256, hex
	Type       string `json:"type"`
	Size       Text   `json:"size"`
	Created    string `json:"created"` // ISO-8601 without zone, e.g. 2020-08-03T17:09:24.917939
}

// Pagination is the pagination object of a list answer.
type Pagination struct {
	ReturnedCount int `json:"returned_count"`
	TotalCount    int `json:"total_count"`
	CurrentPage   int `json:"current_page"`
	TotalPages    int `json:"total_pages"`
}

// APIError is a failed answer. Sila's error shape is not in the seed, which
// shows only the success envelope and says a 400 has success false for
// invalid document types. This follows that envelope: success false,
// status "FAILURE", the request's reference, a human message, and, for
// rejected input, validation_details naming the fields at fault.
type APIError struct {
	Success           bool              `json:"success"`
	Status            string            `json:"status"`
	Reference         string            `json:"reference,omitempty"`
	Message           string            `json:"message"`
	ValidationDetails ValidationDetails `json:"validation_details,omitempty"`
}

// sila reports whether e has Sila's envelope at all, rather than being the
// body of a proxy or a web server in front of it.
func (e APIError) sila() bool {
	return strings.TrimSpace(e.Status) != "" || strings.TrimSpace(e.Message) != "" || len(e.ValidationDetails) > 0
}

// text returns the message and details as one line.
func (e APIError) text() string {
	msg := strings.TrimSpace(e.Message)
	if d := e.ValidationDetails.String(); d != "" {
		if msg != "" {
			msg += " "
		}
		msg += "(" + d + ")"
	}
	return msg
}

// ValidationDetails maps a field to what is wrong with it. Sila nests it
// by field ({"header": {"user_handle": "..."}}) and may give a list of
// messages per field; decoding flattens it to dotted keys
// ("header.user_handle") and joins lists with "; ". A bare string is kept
// under the key "".
type ValidationDetails map[string]string

// UnmarshalJSON decodes and flattens any JSON value.
func (d *ValidationDetails) UnmarshalJSON(b []byte) error {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	out := ValidationDetails{}
	flatten(out, "", v)
	*d = out
	return nil
}

func flatten(out ValidationDetails, key string, v any) {
	switch v := v.(type) {
	case nil:
	case map[string]any:
		for k, sub := range v {
			if key != "" {
				k = key + "." + k
			}
			flatten(out, k, sub)
		}
	case []any:
		for _, sub := range v {
			part := ValidationDetails{}
			flatten(part, "", sub)
			for k, s := range part {
				kk := key
				if k != "" {
					kk = strings.TrimPrefix(key+"."+k, ".")
				}
				out[kk] = strings.TrimPrefix(out[kk]+"; "+s, "; ")
			}
		}
	default:
		out[key] = strings.TrimSpace(fmt.Sprint(v))
	}
}

// String returns the details as "field: problem" pairs, sorted by field.
func (d ValidationDetails) String() string {
	keys := make([]string, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		if k == "" {
			parts = append(parts, d[k])
			continue
		}
		parts = append(parts, k+": "+d[k])
	}
	return strings.Join(parts, "; ")
}

// Text is a value Sila sends as a string that may come as a number:
// response_time_ms and a document's size. It decodes either, and null as
// "".
type Text string

// UnmarshalJSON decodes a string (trimmed), a number or null.
func (t *Text) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*t = Text(strings.TrimSpace(s))
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err == nil {
		*t = Text(n.String())
		return nil
	}
	return fmt.Errorf("want a string or a number, got %.40s", b)
}

// textOf returns n as a Text.
func textOf(n int64) Text { return Text(strconv.FormatInt(n, 10)) }
