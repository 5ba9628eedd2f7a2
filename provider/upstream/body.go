package upstream

import (
	"encoding/json"
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

// ReadErrorBody decodes the JSON of an error answer into v. A body that is
// whole but not JSON (a gateway's page) is no error: the status alone still
// classifies the answer. A body cut off before its end is: the code that
// says what went wrong may be in the part that was lost, so the answer
// must not be taken as final, and the request is to be tried again (the
// caller returns it as Unreadable).
func ReadErrorBody(resp *http.Response, v any) error {
	b, err := io.ReadAll(io.LimitReader(resp.Body, MaxErrorBytes))
	if err != nil {
		return err
	}
	_ = json.Unmarshal(b, v)
	return nil
}
