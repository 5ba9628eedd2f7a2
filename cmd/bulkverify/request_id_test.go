package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// apiRecorder is a fake API that records the requests it gets and answers
// each with answer.
type apiRecorder struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []string
}

func newAPIRecorder(t *testing.T, answer string) *apiRecorder {
	a := &apiRecorder{}
	a.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.mu.Lock()
		a.reqs = append(a.reqs, r.Method+" "+r.URL.RequestURI())
		a.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
		w.Write([]byte(answer))
	}))
	t.Cleanup(a.Close)
	return a
}

func (a *apiRecorder) requests() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.reqs...)
}

// The CLI refuses an id that is not 32 hexadecimal characters before it
// goes into a URL path or a file name.
func TestTheCLIRefusesABadRequestID(t *testing.T) {
	for _, cmd := range []string{"status", "cancel", "retry"} {
		for _, id := range []string{"../../v1/verification/batches", "a/b", "3f2a9c0e5b7d4e1f8a6c2b9d0e4f7a1", "3f2a9c0e5b7d4e1f8a6c2b9d0e4f7a13%2f", "3f2a9c0e5b7d4e1f8a6c2b9d0e4f7a1g"} {
			t.Run(cmd+" "+id, func(t *testing.T) {
				api := newAPIRecorder(t, `{"code":200,"data":{}}`)
				err := run(context.Background(), []string{cmd, id, "--url", api.URL}, func(string) string { return "" }, &bytes.Buffer{})
				if err == nil || !strings.Contains(err.Error(), "is not 32 hexadecimal characters") {
					t.Errorf("got %v, want a refusal of the request id", err)
				}
				if got := api.requests(); len(got) != 0 {
					t.Errorf("the API got %q, want no request", got)
				}
			})
		}
	}
}

func TestTheCLITakesAGoodRequestID(t *testing.T) {
	const id = "3f2a9c0e5b7d4e1f8a6c2b9d0e4f7a13"
	api := newAPIRecorder(t, `{"code":200,"data":{"request_id":"`+id+`"}}`)
	for _, cmd := range []string{"status", "cancel"} {
		if err := run(context.Background(), []string{cmd, id, "--url", api.URL}, func(string) string { return "" }, &bytes.Buffer{}); err != nil {
			t.Errorf("%s: got %v, want it sent", cmd, err)
		}
	}
	want := []string{"GET /v1/verification/batch-processing-status?request_id=" + id, "POST /v1/verification/batch/" + id + "/cancel"}
	if got := api.requests(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got requests %q, want %q", got, want)
	}
}

// A request_id in the server's answer names the output file of --wait: a
// bad one is refused before anything is asked or written.
func TestSubmitWaitRefusesTheServersBadRequestID(t *testing.T) {
	dir := t.TempDir()
	input := filepath.Join(dir, "in.csv")
	os.WriteFile(input, []byte("access_token,doctype\nt,PANCR\n"), 0o600)
	api := newAPIRecorder(t, `{"code":202,"data":{"request_id":"../escaped","total_rows":1}}`)
	err := run(context.Background(), []string{"submit", input, "--provider", "digilocker", "--wait", "--url", api.URL}, func(string) string { return "" }, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), `request_id "../escaped" is not 32 hexadecimal characters`) {
		t.Errorf("got %v, want a refusal of the server's request id", err)
	}
	if got := api.requests(); len(got) != 1 || !strings.HasPrefix(got[0], "POST /v1/verification/batch?") {
		t.Errorf("got requests %q, want the upload only", got)
	}
}
