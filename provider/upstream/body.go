package upstream

import (
	"io"
	"net/http"
)

// Body limits: MaxJSONBytes bounds a JSON answer (a Sila page of 100
// documents is about 40 KB), MaxErrorBytes an error answer,
// DefaultMaxFileBytes a downloaded file when the Config sets no limit;
// maxDrainBytes is what CloseBody reads off a body before closing it.
const (
	MaxJSONBytes        = 4 << 20
	MaxErrorBytes       = 64 << 10
	DefaultMaxFileBytes = 50 << 20
	maxDrainBytes       = 64 << 10
)

// CloseBody reads what is left of a small body, so the connection can be
// reused, and closes it.
func CloseBody(resp *http.Response) {
	_, _ = io.CopyN(io.Discard, resp.Body, maxDrainBytes)
	resp.Body.Close()
}
