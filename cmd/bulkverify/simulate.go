package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/bulkverify/bulkverify/provider"
	"github.com/bulkverify/bulkverify/provider/providers"
	"github.com/bulkverify/bulkverify/provider/simulation"
)

// runSimulate serves every provider's simulator under one address, each
// under its own path: /digilocker is DigiLocker's API root. A simulator
// accepts the credentials of its provider's variables (BV_<NAME>_*, or
// --<name>-<var> flags), by default the dev ones.
func runSimulate(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	fs.SetOutput(stdout)
	addr := fs.String("addr", envOr(getenv, "BV_SIM_ADDR", "127.0.0.1:9000"), "listen `address`")
	var f simulation.Faults
	fs.DurationVar(&f.Latency, "latency", 0, "added to every request")
	fs.Float64Var(&f.ErrorRate, "error-rate", 0, "share of requests answered 5xx, 0 to 1")
	fs.Float64Var(&f.TooManyRate, "429-rate", 0, "share of requests answered 429 with Retry-After, 0 to 1")
	fs.Float64Var(&f.HangRate, "hang-rate", 0, "share of requests never answered (held until the client gives up), 0 to 1")
	fs.Float64Var(&f.TruncateRate, "truncate-rate", 0, "share of answers cut off halfway through the body, 0 to 1")
	fs.Float64Var(&f.RateLimit, "rate-limit", 0, "own limit in requests/s per provider; above it, 429 with Retry-After (0 = none)")
	fs.IntVar(&f.Burst, "burst", 0, "own limit's burst (default: one second's worth)")
	fs.Int64Var(&f.Seed, "seed", 1, "seed of the injected faults")
	settings := map[string]provider.Settings{}
	for _, p := range providers.All {
		s := p.DevSettings(getenv)
		settings[p.Name] = s
		for _, v := range p.Vars {
			flagName := p.Name + "-" + strings.ReplaceAll(strings.ToLower(v.Name), "_", "-")
			fs.Func(flagName, fmt.Sprintf("%s the %s simulator accepts (%s)", v.Help, p.Name, p.VarEnv(v)), func(val string) error {
				s.Values[v.Name] = val
				return nil
			})
		}
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	for _, share := range []float64{f.ErrorRate, f.TooManyRate, f.HangRate, f.TruncateRate} {
		if share < 0 || share > 1 {
			return fmt.Errorf("--error-rate, --429-rate, --hang-rate and --truncate-rate are shares from 0 to 1")
		}
	}
	h := simulators(settings, f)
	base, wait, err := serveUntil(ctx, *addr, &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}, 0)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	fmt.Fprintf(stdout, "simulators: %s\n", base)
	for _, p := range providers.All {
		fmt.Fprintf(stdout, "%sBASE_URL=%s/%s\n", p.EnvPrefix(), base, p.Name)
	}
	fmt.Fprintf(stdout, "stats: %s/_stats\n", base)
	return wait()
}

// simulators serves every provider's simulator under /<name>/, each with
// its own settings and its own copy of the faults, and their counters on
// GET /_stats.
func simulators(settings map[string]provider.Settings, f simulation.Faults) http.Handler {
	mux := http.NewServeMux()
	sims := map[string]provider.Simulator{}
	for _, p := range providers.All {
		// Each simulator gets its own copy of the faults: its own rate
		// limit and counters.
		sims[p.Name] = p.Simulate(settings[p.Name], f)
		mux.Handle("/"+p.Name+"/", http.StripPrefix("/"+p.Name, sims[p.Name]))
	}
	mux.HandleFunc("GET /_stats", func(w http.ResponseWriter, r *http.Request) {
		stats := map[string]simulation.Stats{}
		for name, s := range sims {
			stats[name] = s.Stats()
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(stats)
	})
	return mux
}
