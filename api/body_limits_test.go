package api

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify/provider/providers"
)

// sent is what a raw client sends after the request head: pieces of body,
// each after a pause.
type sent struct {
	pieces []string
	every  time.Duration
	// stall keeps the connection open, sending nothing more, after the
	// pieces.
	stall bool
}

// reply is the answer a raw client got and how long after its head.
type reply struct {
	status  int
	subCode string
	message string
	after   time.Duration
}

// rawPost sends head and body over a bare connection to srv and reads the
// answer, so that a test can trickle or stall a body.
func rawPost(t *testing.T, srv *httptest.Server, path string, length int, headers string, body sent) reply {
	t.Helper()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: test\r\nContent-Length: %d\r\n%s\r\n", path, length, headers)
	go func() {
		for _, p := range body.pieces {
			if _, err := io.WriteString(conn, p); err != nil {
				return // the server gave up on the body
			}
			time.Sleep(body.every)
		}
	}()
	conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("got no answer (%v) after %v", err, time.Since(start))
	}
	defer resp.Body.Close()
	var env envelope
	json.NewDecoder(resp.Body).Decode(&env)
	return reply{status: resp.StatusCode, subCode: env.SubCode, message: env.Message, after: time.Since(start)}
}

// pieces cuts n bytes of CSV rows into pieces of size bytes.
func pieces(n, size int) []string {
	data := "reference_id,access_token,doctype\n" + strings.Repeat("r,verified-00001,PANCR\n", n/23+1)
	data = data[:n]
	var out []string
	for len(data) > size {
		out, data = append(out, data[:size]), data[size:]
	}
	return append(out, data)
}

func TestUploadBodiesThatStallOrTrickleGet408(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		idle      time.Duration
		minRate   int64
		length    int
		body      sent
		want      int
		wantIn    string
		notBefore time.Duration
		within    time.Duration
	}{
		{"a body faster than the minimum is read whole", 300 * time.Millisecond, 64 << 10,
			200 << 10, sent{pieces: pieces(200<<10, 200<<10)}, http.StatusOK, "", 0, 2 * time.Second},
		{"a steady body above the minimum is read whole however long it takes", 300 * time.Millisecond, 8 << 10,
			40 << 10, sent{pieces: pieces(40<<10, 2<<10), every: 50 * time.Millisecond}, http.StatusOK, "", 0, 5 * time.Second},
		{"a body trickling below the minimum is cut after a window", 500 * time.Millisecond, 64 << 10,
			1 << 20, sent{pieces: pieces(1<<20, 1<<10), every: 50 * time.Millisecond}, http.StatusRequestTimeout,
			"below this service's minimum of 65536 bytes/s", 450 * time.Millisecond, 3 * time.Second},
		{"a body that stops is cut after the idle timeout", 300 * time.Millisecond, 0,
			1 << 20, sent{pieces: []string{"reference_id"}, stall: true}, http.StatusRequestTimeout,
			"the upload sent nothing for 300ms", 250 * time.Millisecond, 3 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newAuthServer(time.Now)
			s.UploadIdleTimeout, s.UploadMinBytesPerSecond, s.MaxUploadBytes = tt.idle, tt.minRate, 1<<30
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				s.guardBody(w, r)
				if _, err := io.Copy(io.Discard, r.Body); err != nil {
					s.writeError(w, r, s.uploadError(err))
					return
				}
				s.writeOK(w, http.StatusOK, "read", nil)
			}))
			defer srv.Close()
			got := rawPost(t, srv, "/", tt.length, "", tt.body)
			if got.status != tt.want || !strings.Contains(got.message, tt.wantIn) {
				t.Errorf("got HTTP %d %q, want %d saying %q", got.status, got.message, tt.want, tt.wantIn)
			}
			if got.after < tt.notBefore || got.after > tt.within {
				t.Errorf("answered after %v, want from %v to %v", got.after, tt.notBefore, tt.within)
			}
		})
	}
}

// A handler slow between its reads (storing what it read) does not make
// the client's body slow.
func TestTimeBetweenReadsIsNotHeldAgainstTheUpload(t *testing.T) {
	t.Parallel()
	s := newAuthServer(time.Now)
	s.UploadIdleTimeout, s.UploadMinBytesPerSecond, s.MaxUploadBytes = 200*time.Millisecond, 1<<20, 1<<30
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.guardBody(w, r)
		buf := make([]byte, 4<<10)
		for {
			_, err := r.Body.Read(buf)
			if err == io.EOF {
				break
			}
			if err != nil {
				s.writeError(w, r, s.uploadError(err))
				return
			}
			time.Sleep(20 * time.Millisecond) // a slow store, 200 KB/s at most
		}
		s.writeOK(w, http.StatusOK, "read", nil)
	}))
	defer srv.Close()
	got := rawPost(t, srv, "/", 100<<10, "", sent{pieces: pieces(100<<10, 100<<10)})
	if got.status != http.StatusOK {
		t.Errorf("got HTTP %d %q after %v, want 200: the client sent at once, the server was slow", got.status, got.message, got.after)
	}
}

// A request whose body was read whole stays alive however long its
// handler works on: the body's deadline is lifted at its end.
func TestARequestOutlivesItsBodyDeadline(t *testing.T) {
	t.Parallel()
	const deadline = 200 * time.Millisecond
	s := newAuthServer(time.Now)
	s.BodyReadTimeout, s.UploadIdleTimeout, s.MaxUploadBytes = deadline, deadline, 1<<30
	work := func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body)
		r.Body.Read(make([]byte, 1)) // once more, as io.Copy after a parser does
		select {
		case <-r.Context().Done():
			w.WriteHeader(http.StatusServiceUnavailable)
		case <-time.After(3 * deadline):
			w.WriteHeader(http.StatusOK)
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /form", work)
	mux.HandleFunc("POST /v1/verification/batch", func(w http.ResponseWriter, r *http.Request) {
		s.guardBody(w, r)
		work(w, r)
	})
	srv := httptest.NewServer(s.boundBodies(mux, mux))
	defer srv.Close()
	for _, path := range []string{"/form", "/v1/verification/batch"} {
		t.Run(path, func(t *testing.T) {
			resp, err := http.Post(srv.URL+path, "text/plain", strings.NewReader("client_id=acme"))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("got HTTP %d, want 200: the request was cancelled once the body's deadline passed", resp.StatusCode)
			}
		})
	}
}

func TestEveryBodyButAnUploadsHasAReadDeadline(t *testing.T) {
	t.Parallel()
	s := newAuthServer(time.Now)
	s.BodyReadTimeout, s.UploadIdleTimeout, s.MaxUploadBytes = 300*time.Millisecond, 5*time.Second, 1<<30
	s.Specs, s.Providers, s.Intake = providers.Specs(), []string{"digilocker"}, dryRunIntake()
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	const creds = "client-id: acme\r\nx-api-key: s3cret\r\nContent-Type: text/csv\r\n"
	tests := []struct {
		name    string
		path    string
		length  int
		headers string
		body    sent
		want    int
		subCode string
		within  time.Duration
	}{
		{"a stalled authorize form is cut", "/v1/authorize", 100, "Content-Type: application/x-www-form-urlencoded\r\n",
			sent{pieces: []string{"client_id=acme"}, stall: true}, http.StatusRequestTimeout, "REQUEST_TIMEOUT", 2 * time.Second},
		{"an upload slower than that deadline is read whole", "/v1/verification/batch?provider=digilocker&dry_run=true", 2300, creds,
			sent{pieces: pieces(2300, 230), every: 100 * time.Millisecond}, http.StatusOK, "SUCCESS", 5 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := rawPost(t, srv, tt.path, tt.length, tt.headers, tt.body)
			if got.status != tt.want || got.subCode != tt.subCode || got.after > tt.within {
				t.Errorf("got HTTP %d %s %q after %v, want %d %s within %v", got.status, got.subCode, got.message, got.after, tt.want, tt.subCode, tt.within)
			}
		})
	}
}
