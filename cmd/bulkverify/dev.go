package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"

	"github.com/alicebob/miniredis/v2"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/bulkverify/bulkverify/config"
	"github.com/bulkverify/bulkverify/envelope"
	"github.com/bulkverify/bulkverify/provider"
	"github.com/bulkverify/bulkverify/provider/providers"
	"github.com/bulkverify/bulkverify/provider/simulation"
)

// Credentials of the embedded parts of dev mode; the simulators' are each
// provider's Var.Dev values.
const (
	devClients = "demo:demo-secret"
	devS3Key   = "bulkverify-dev"
)

// runDev runs everything in one process. Each embedded part is replaced by
// the real one when its variable is set.
func runDev(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	env := devDefaults(getenv)
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
		embedded = append(embedded, "s3")
	}
	for _, p := range devSimulated(getenv) {
		url, stop, err := serveLocal(p.Simulate(p.DevSettings(getenv), simulation.Faults{}))
		if err != nil {
			return fmt.Errorf("start the %s simulator: %w", p.Name, err)
		}
		defer stop()
		env[p.EnvPrefix()+"BASE_URL"] = url
		embedded = append(embedded, p.Name+" simulator")
	}
	if getenv("BV_DATA_KEY") == "" {
		embedded = append(embedded, "a data key made for this run (set BV_DATA_KEY to keep batches readable across restarts)")
	}
	cfg, err := config.Load(overlay(getenv, env), providers.All)
	if err != nil {
		return err
	}
	if err := checkPprof(cfg); err != nil {
		return err
	}
	a := &app{cfg: cfg, log: newLogger(os.Stderr, cfg.LogLevel, cfg.LogFormat), embeddedRedis: slices.Contains(embedded, "redis")}
	if err := a.open(ctx, true); err != nil {
		return err
	}
	defer a.close()
	fmt.Fprintf(stdout, "dev: embedded %v; demo credentials: client-id %s, x-api-key %s\n", embedded, "demo", "demo-secret")
	if cfg.WebhookSecrets["demo"] == devWebhookSecret {
		fmt.Fprintf(stdout, "dev: demo's webhooks are signed with %s; try: bulkverify webhook-receiver --secret %s, and callback_url=http://127.0.0.1:9999/\n", devWebhookSecret, devWebhookSecret)
	}
	return a.serveAndWork(ctx, stdout)
}

// devDefaults returns the variables dev mode sets where getenv has none:
// the demo tenant, the embedded S3's key, the simulators' credentials and a
// data key made for this run. The URLs of the embedded parts are not in it:
// runDev adds them once they listen. check-config dev reads the same.
func devDefaults(getenv func(string) string) map[string]string {
	env := map[string]string{"BV_CLIENTS": devClients, "BV_HTTP_ADDR": "127.0.0.1:8080", "BV_OPERATORS": "demo",
		"BV_WEBHOOK_SECRETS": "demo:" + devWebhookSecret, "BV_WEBHOOK_ALLOW_HOSTS": "127.0.0.1,localhost"}
	if getenv("BV_S3_ENDPOINT") == "" {
		env["BV_S3_ACCESS_KEY_ID"], env["BV_S3_SECRET_ACCESS_KEY"] = devS3Key, devS3Key
	}
	for _, p := range devSimulated(getenv) {
		s := p.DevSettings(getenv)
		for _, v := range p.Vars {
			env[p.VarEnv(v)] = s.Get(v.Name)
		}
	}
	if getenv("BV_DATA_KEY") == "" {
		env["BV_DATA_KEY"] = base64.StdEncoding.EncodeToString(envelope.NewDataKey())
	}
	return env
}

// devSimulated lists the providers dev simulates: those without a base URL.
func devSimulated(getenv func(string) string) []provider.Provider {
	var out []provider.Provider
	for _, p := range providers.All {
		if getenv(p.EnvPrefix()+"BASE_URL") == "" {
			out = append(out, p)
		}
	}
	return out
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

// serveLocal serves h on a free loopback port until stop, which closes it
// and waits.
func serveLocal(h http.Handler) (url string, stop func(), err error) {
	ctx, cancel := context.WithCancel(context.Background())
	url, wait, err := serveUntil(ctx, "127.0.0.1:0", &http.Server{Handler: h}, 0)
	if err != nil {
		cancel()
		return "", nil, err
	}
	return url, func() {
		cancel()
		wait()
	}, nil
}
