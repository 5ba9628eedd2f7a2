package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// servePprof serves net/http/pprof on BV_PPROF_ADDR until ctx ends; it is
// off when the variable is unset. The profiles show request and row data
// in stack frames at most, but they are a debugging door: bind it to
// loopback or a private interface only.
func (a *app) servePprof(ctx context.Context) error {
	if a.cfg.PprofAddr == "" {
		return nil
	}
	ln, err := net.Listen("tcp", a.cfg.PprofAddr)
	if err != nil {
		return fmt.Errorf("serve pprof on %s (BV_PPROF_ADDR): %w", a.cfg.PprofAddr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	a.log.Info("pprof", "url", listenURL(ln.Addr())+"/debug/pprof/")
	return nil
}
