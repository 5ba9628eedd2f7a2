package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

// serveUntil serves until its context ends, then closes: wait returns nil
// and the address refuses connections.
func TestServeUntilServesUntilTheContextEnds(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	url, wait, err := serveUntil(ctx, "127.0.0.1:0", &http.Server{Handler: h}, 0)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "ok" {
		t.Errorf("GET %s: got %q, want ok", url, body)
	}
	cancel()
	if err := wait(); err != nil {
		t.Errorf("wait after the context ended: got %v, want nil", err)
	}
	if c, err := net.Dial("tcp", url[len("http://"):]); err == nil {
		c.Close()
		t.Errorf("%s still accepts connections after wait returned", url)
	}
}

// With a grace period, a request in flight when the context ends is
// answered before wait returns.
func TestServeUntilFinishesARequestInFlight(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	started, finish := make(chan struct{}), make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-finish
		io.WriteString(w, "done")
	})
	url, wait, err := serveUntil(ctx, "127.0.0.1:0", &http.Server{Handler: h}, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 1)
	go func() {
		resp, err := http.Get(url)
		if err != nil {
			got <- err.Error()
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		got <- string(b)
	}()
	<-started
	cancel()
	close(finish)
	if err := wait(); err != nil {
		t.Errorf("wait: got %v, want nil", err)
	}
	if g := <-got; g != "done" {
		t.Errorf("the request in flight got %q, want done", g)
	}
}

// An address in use is refused at once, with the listen error.
func TestServeUntilRefusesATakenAddress(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if _, _, err := serveUntil(context.Background(), ln.Addr().String(), &http.Server{}, 0); err == nil {
		t.Errorf("serveUntil on %s, taken: got no error", ln.Addr())
	}
}
