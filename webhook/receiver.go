package webhook

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// Receiver is a webhook endpoint for trying the flow: it verifies each
// message's signature and timestamp with Key, prints each verified event
// to Out and answers 200; it answers 401 to a message that does not
// verify (and says why on Out).
type Receiver struct {
	Key []byte
	Out io.Writer
	Now func() time.Time
	mu  sync.Mutex
}

// maxBody bounds a received message.
const maxBody = 1 << 20

func (rc *Receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "webhooks are POSTed", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		http.Error(w, "body too large or unreadable", http.StatusRequestEntityTooLarge)
		return
	}
	if err := Verify(rc.Key, r.Header, body, rc.Now()); err != nil {
		rc.printf("refused %s %s: %v\n", r.Header.Get(HeaderID), r.RemoteAddr, err)
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	var msg struct {
		Type      string `json:"type"`
		Timestamp string `json:"timestamp"`
		Data      struct {
			RequestID       string  `json:"request_id"`
			State           string  `json:"state"`
			PercentComplete float64 `json:"percent_complete"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &msg); err != nil {
		rc.printf("refused %s: signed, but not JSON: %v\n", r.Header.Get(HeaderID), err)
		http.Error(w, "not JSON", http.StatusBadRequest)
		return
	}
	var pretty bytes.Buffer
	if json.Indent(&pretty, body, "  ", "  ") != nil {
		pretty.Reset()
		pretty.Write(body)
	}
	rc.printf("%s %s webhook-id=%s request_id=%s state=%s percent=%g\n  %s\n", msg.Timestamp, msg.Type,
		r.Header.Get(HeaderID), msg.Data.RequestID, msg.Data.State, msg.Data.PercentComplete, pretty.String())
	w.Write([]byte("ok\n"))
}

func (rc *Receiver) printf(format string, args ...any) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	fmt.Fprintf(rc.Out, format, args...)
}
