package main

import (
	"context"
	"errors"
	"io"
	"os"

	"golang.org/x/sync/errgroup"

	"github.com/bulkverify/bulkverify/config"
	"github.com/bulkverify/bulkverify/provider/providers"
)

// errNoClients is why serve refuses to start without BV_CLIENTS.
var errNoClients = errors.New("BV_CLIENTS is not set: give the API tenants as client_id:client_secret pairs separated by commas")

// loadApp reads the configuration for a production command: Redis and the
// API clients must be configured.
func loadApp(getenv func(string) string, needClients bool) (*app, error) {
	cfg, err := config.Load(getenv, providers.All)
	if err != nil {
		return nil, err
	}
	if err := cfg.NeedRedis(); err != nil {
		return nil, err
	}
	if needClients && len(cfg.Clients) == 0 {
		return nil, errNoClients
	}
	if err := checkPprof(cfg); err != nil {
		return nil, err
	}
	a := &app{cfg: cfg, log: newLogger(os.Stderr, cfg.LogLevel, cfg.LogFormat)}
	a.log.Info("configuration", "settings", cfg.Dump())
	return a, nil
}

// runServe runs the intake API until ctx ends.
func runServe(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	a, err := loadApp(getenv, true)
	if err != nil {
		return err
	}
	if err := a.open(ctx, false); err != nil {
		return err
	}
	defer a.close()
	// With BV_METRICS_ADDR set to an address, /metrics leaves the API's
	// listener for its own, as on a worker; unset or off, the API serves
	// it as before (a shared environment may turn the workers' off).
	stop, err := a.serveSide(ctx, a.cfg.MetricsApart)
	if err != nil {
		return err
	}
	defer stop()
	return a.serveAPI(ctx, a.cfg.HTTPAddr, stdout)
}

// serveAndWork runs the API and a worker together until ctx ends.
func (a *app) serveAndWork(ctx context.Context, stdout io.Writer) error {
	a.serving = true
	stop, err := a.serveSide(ctx, false)
	if err != nil {
		return err
	}
	defer stop()
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return a.serveAPI(gctx, a.cfg.HTTPAddr, stdout) })
	g.Go(func() error { return a.runWorker(gctx) })
	return g.Wait()
}
