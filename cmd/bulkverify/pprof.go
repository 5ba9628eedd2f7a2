package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"net/netip"
	"strings"
	"time"

	"github.com/bulkverify/bulkverify/config"
)

// checkPprof refuses a BV_PPROF_ADDR that is not on a loopback address
// (":6060" listens on every interface), unless BV_PPROF_ALLOW_REMOTE=true.
// serve, work and dev call it at start, check-config too.
func checkPprof(cfg config.Config) error {
	addr := cfg.PprofAddr
	if addr == "" || cfg.PprofAllowRemote {
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("BV_PPROF_ADDR=%q is not host:port, such as 127.0.0.1:6060", addr)
	}
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	if ip, err := netip.ParseAddr(host); err == nil && ip.Unmap().IsLoopback() {
		return nil
	}
	return fmt.Errorf("BV_PPROF_ADDR=%q is not a loopback address: profiles show what the process holds, so serve them on 127.0.0.1:PORT or [::1]:PORT and reach them through a tunnel or kubectl port-forward; set BV_PPROF_ALLOW_REMOTE=true to listen elsewhere anyway", addr)
}

// servePprof serves net/http/pprof on BV_PPROF_ADDR until ctx ends; it is
// off when the variable is unset. The profiles show request and row data
// in stack frames at most, but they are a debugging door: checkPprof keeps
// it on loopback unless BV_PPROF_ALLOW_REMOTE=true. wait returns once it
// has closed.
func (a *app) servePprof(ctx context.Context) (wait func() error, err error) {
	if a.cfg.PprofAddr == "" {
		return noWait, nil
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	url, wait, err := serveUntil(ctx, a.cfg.PprofAddr, &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}, 0)
	if err != nil {
		return nil, fmt.Errorf("serve pprof on %s (BV_PPROF_ADDR): %w", a.cfg.PprofAddr, err)
	}
	a.log.Info("pprof", "url", url+"/debug/pprof/")
	return wait, nil
}

// serveSide serves what a command serves beside its work: pprof, and the
// metrics too when metrics is set, until ctx ends or stop is called; stop
// closes them and waits for them.
func (a *app) serveSide(ctx context.Context, metrics bool) (stop func(), err error) {
	ctx, cancel := context.WithCancel(ctx)
	waitPprof, err := a.servePprof(ctx)
	if err != nil {
		cancel()
		return nil, err
	}
	waitMetrics := noWait
	if metrics {
		if waitMetrics, err = a.serveMetrics(ctx); err != nil {
			cancel()
			waitPprof()
			return nil, err
		}
	}
	return func() {
		cancel()
		waitMetrics()
		waitPprof()
	}, nil
}
