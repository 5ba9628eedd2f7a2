package flexfactor

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// DocumentList is the answer of GET /v1/onboarding/application/{id}/documents/
// (seed 004, "List of documents").
type DocumentList struct {
	Status         string     `json:"status"` // SUCCESS or FAILED
	Success        bool       `json:"success"`
	TotalDocuments int        `json:"totalDocuments"`
	Documents      []Document `json:"documents"`
	Errors         []string   `json:"errors"`
}

// Document is one document of an application.
type Document struct {
	DocumentID   string `json:"documentId"`
	DocumentType string `json:"documentType"` // e.g. ID, ProofOfAddress, BusinessLicense
	Description  string `json:"description"`
	UploadedOn   string `json:"uploadedOn"` // ISO 8601
	FileName     string `json:"fileName"`
	FileType     string `json:"fileType"` // a MIME type
	FileSize     int64  `json:"fileSize"` // bytes
	// DownloadURL is a pre-signed, time-limited link to the file.
	DownloadURL string `json:"downloadUrl"`
}

// APIError is the body of the API's error answers: {"errors": [...]}.
type APIError struct {
	Errors []string `json:"errors"`
}

// TokenResponse is the answer of POST /oauth2/token (RFC 6749 §5.1).
type TokenResponse struct {
	AccessToken string  `json:"access_token"`
	TokenType   string  `json:"token_type"`
	ExpiresIn   Seconds `json:"expires_in"`
}

// OAuthError is the token endpoint's error body (RFC 6749 §5.2).
type OAuthError struct {
	Code        string `json:"error"`
	Description string `json:"error_description"`
}

// Seconds is a lifetime in seconds: a JSON number, or a number in a string
// as some OAuth2 servers send expires_in.
type Seconds int64

// UnmarshalJSON decodes a number, a string holding one, or null.
func (s *Seconds) UnmarshalJSON(b []byte) error {
	text := strings.Trim(strings.TrimSpace(string(b)), `"`)
	if text == "null" || text == "" {
		*s = 0
		return nil
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return fmt.Errorf("expires_in: want a number of seconds, got %.40s", b)
	}
	*s = Seconds(f)
	return nil
}

// MarshalJSON encodes s as a number.
func (s Seconds) MarshalJSON() ([]byte, error) { return json.Marshal(int64(s)) }
