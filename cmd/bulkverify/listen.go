package main

import (
	"context"
	"net"
	"net/http"
	"sync"
	"time"
)

// serveUntil is how this program serves HTTP: it listens on addr and serves
// srv there until ctx ends, then closes it, at once, or gracefully within
// grace when grace > 0. It returns the URL it listens on and wait, which
// returns once serving has ended: nil, or the error serving failed with
// before ctx ended, or that of a graceful shutdown that ran out of time.
// A listen error is returned as is, for the caller to say which address
// it was.
func serveUntil(ctx context.Context, addr string, srv *http.Server, grace time.Duration) (url string, wait func() error, err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, err
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	ended := make(chan error, 1)
	go func() {
		select {
		case err := <-served:
			ended <- err
		case <-ctx.Done():
			ended <- closeServer(context.WithoutCancel(ctx), srv, grace, served)
		}
	}()
	return listenURL(ln.Addr()), sync.OnceValue(func() error { return <-ended }), nil
}

// closeServer ends srv, gracefully within grace if grace > 0, and waits
// for its Serve to return.
func closeServer(ctx context.Context, srv *http.Server, grace time.Duration, served <-chan error) error {
	if grace <= 0 {
		srv.Close()
		<-served
		return nil
	}
	sctx, cancel := context.WithTimeout(ctx, grace)
	defer cancel()
	err := srv.Shutdown(sctx)
	<-served
	return err
}

// listenURL is the http:// URL of a listener's address, on 127.0.0.1 when
// it listens on every interface.
func listenURL(addr net.Addr) string {
	host, port, _ := net.SplitHostPort(addr.String())
	if host == "" || host == "::" || host == "0.0.0.0" {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// untilShutdown is a server started by serveUntil as a worker.Listener: it
// serves from Start until Shutdown.
type untilShutdown struct {
	serve func(ctx context.Context) (wait func() error, err error)
	stop  context.CancelFunc
	wait  func() error
}

// Start starts serving; ctx ending does not stop it, Shutdown does.
func (u *untilShutdown) Start(ctx context.Context) error {
	sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	wait, err := u.serve(sctx)
	if err != nil {
		cancel()
		return err
	}
	u.stop, u.wait = cancel, wait
	return nil
}

// Shutdown closes the server and waits for it.
func (u *untilShutdown) Shutdown(context.Context) error {
	if u.stop == nil {
		return nil
	}
	u.stop()
	return u.wait()
}

// noWait is the wait of a server that is off.
func noWait() error { return nil }
