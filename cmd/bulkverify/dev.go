package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"slices"

	"github.com/alicebob/miniredis/v2"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/bulkverify/bulkverify/config"
	"github.com/bulkverify/bulkverify/provider/digilocker"
	"github.com/bulkverify/bulkverify/provider/flexfactor"
	"github.com/bulkverify/bulkverify/provider/sila"
)

// Credentials of the embedded parts of dev mode.
const (
	devClients          = "demo:demo-secret"
	devDigiLockerSecret = "dev-digilocker-client-secret"
	devSilaToken        = "dev-sila-access-token"
	devSilaAppHandle    = "bulkverify.silamoney.eth"
	devFlexFactorID     = "dev-flexfactor-client"
	devFlexFactorSecret = "dev-flexfactor-client-secret"
	devS3Key            = "bulkverify-dev"
)

// runDev runs everything in one process. Each embedded part is replaced by
// the real one when its variable is set.
func runDev(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	env := map[string]string{"BV_CLIENTS": devClients, "BV_HTTP_ADDR": "127.0.0.1:8080"}
	var embedded []string
	if getenv("BV_REDIS_URL") == "" {
		mr := miniredis.NewMiniRedis()
		if err := mr.StartAddr("127.0.0.1:0"); err != nil {
			return fmt.Errorf("start embedded Redis: %w", err)
		}
		defer mr.Close()
		env["BV_REDIS_URL"] = "redis://" + mr.Addr()
		embedded = append(embedded, "redis")
	}
	if getenv("BV_S3_ENDPOINT") == "" {
		url, stop, err := serveLocal(gofakes3.New(s3mem.New()).Server())
		if err != nil {
			return fmt.Errorf("start embedded S3: %w", err)
		}
		defer stop()
		env["BV_S3_ENDPOINT"] = url
		env["BV_S3_ACCESS_KEY_ID"], env["BV_S3_SECRET_ACCESS_KEY"] = devS3Key, devS3Key
		embedded = append(embedded, "s3")
	}
	for _, sim := range devSimulators() {
		if getenv(sim.baseVar) != "" {
			continue
		}
		url, stop, err := serveLocal(sim.handler)
		if err != nil {
			return fmt.Errorf("start the %s simulator: %w", sim.name, err)
		}
		defer stop()
		env[sim.baseVar] = url
		maps.Copy(env, sim.credentials)
		embedded = append(embedded, sim.name+" simulator")
	}
	cfg, err := config.Load(overlay(getenv, env))
	if err != nil {
		return err
	}
	a := &app{cfg: cfg, log: newLogger(os.Stderr, cfg.LogLevel), embeddedRedis: slices.Contains(embedded, "redis")}
	if err := a.open(ctx, true); err != nil {
		return err
	}
	defer a.close()
	fmt.Fprintf(stdout, "dev: embedded %v; demo credentials: client-id %s, x-api-key %s\n", embedded, "demo", "demo-secret")
	return a.serveAndWork(ctx, stdout)
}

// devSimulator is a provider simulator dev starts when the provider's base
// URL is not set, with the credentials it accepts.
type devSimulator struct {
	name        string
	baseVar     string
	handler     http.Handler
	credentials map[string]string
}

func devSimulators() []devSimulator {
	return []devSimulator{
		{"digilocker", "BV_DIGILOCKER_BASE_URL",
			digilocker.NewSimulator(digilocker.SimConfig{ClientSecret: devDigiLockerSecret}),
			map[string]string{"BV_DIGILOCKER_CLIENT_SECRET": devDigiLockerSecret}},
		{"sila", "BV_SILA_BASE_URL",
			sila.NewSimulator(sila.SimConfig{AccessToken: devSilaToken, AppHandle: devSilaAppHandle}),
			map[string]string{"BV_SILA_ACCESS_TOKEN": devSilaToken, "BV_SILA_APP_HANDLE": devSilaAppHandle}},
		{"flexfactor", "BV_FLEXFACTOR_BASE_URL",
			flexfactor.NewSimulator(flexfactor.SimConfig{ClientID: devFlexFactorID, ClientSecret: devFlexFactorSecret}),
			map[string]string{"BV_FLEXFACTOR_CLIENT_ID": devFlexFactorID, "BV_FLEXFACTOR_CLIENT_SECRET": devFlexFactorSecret}},
	}
}

// overlay returns a getenv that prefers the real environment and falls back
// to defaults.
func overlay(getenv func(string) string, defaults map[string]string) func(string) string {
	return func(k string) string {
		if v := getenv(k); v != "" {
			return v
		}
		return defaults[k]
	}
}

// serveLocal serves h on a free loopback port.
func serveLocal(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() { srv.Close() }, nil
}
