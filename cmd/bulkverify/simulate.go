package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/bulkverify/bulkverify/provider/digilocker"
	"github.com/bulkverify/bulkverify/provider/flexfactor"
	"github.com/bulkverify/bulkverify/provider/sila"
	"github.com/bulkverify/bulkverify/provider/simulation"
)

// runSimulate serves the provider simulators under one address, each under
// its own path: /digilocker is DigiLocker's API root.
func runSimulate(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	fs.SetOutput(stdout)
	addr := fs.String("addr", envOr(getenv, "BV_SIM_ADDR", "127.0.0.1:9000"), "listen `address`")
	secret := fs.String("digilocker-secret", envOr(getenv, "BV_DIGILOCKER_CLIENT_SECRET", devDigiLockerSecret), "client secret that keys DigiLocker's hmac header")
	silaToken := fs.String("sila-token", envOr(getenv, "BV_SILA_ACCESS_TOKEN", devSilaToken), "bearer token the Sila simulator accepts")
	silaApp := fs.String("sila-app-handle", envOr(getenv, "BV_SILA_APP_HANDLE", devSilaAppHandle), "app_handle the Sila simulator accepts")
	ffID := fs.String("flexfactor-client-id", envOr(getenv, "BV_FLEXFACTOR_CLIENT_ID", devFlexFactorID), "client id the FlexFactor simulator accepts")
	ffSecret := fs.String("flexfactor-client-secret", envOr(getenv, "BV_FLEXFACTOR_CLIENT_SECRET", devFlexFactorSecret), "client secret the FlexFactor simulator accepts")
	var f simulation.Faults
	fs.DurationVar(&f.Latency, "latency", 0, "added to every request")
	fs.Float64Var(&f.ErrorRate, "error-rate", 0, "share of requests answered 5xx, 0 to 1")
	fs.Float64Var(&f.TooManyRate, "429-rate", 0, "share of requests answered 429 with Retry-After, 0 to 1")
	fs.Float64Var(&f.HangRate, "hang-rate", 0, "share of requests never answered (held until the client gives up), 0 to 1")
	fs.Float64Var(&f.TruncateRate, "truncate-rate", 0, "share of answers cut off halfway through the body, 0 to 1")
	fs.Float64Var(&f.RateLimit, "rate-limit", 0, "own limit in requests/s per provider; above it, 429 with Retry-After (0 = none)")
	fs.IntVar(&f.Burst, "burst", 0, "own limit's burst (default: one second's worth)")
	fs.Int64Var(&f.Seed, "seed", 1, "seed of the injected faults")
	if err := fs.Parse(args); err != nil {
		return err
	}
	for _, share := range []float64{f.ErrorRate, f.TooManyRate, f.HangRate, f.TruncateRate} {
		if share < 0 || share > 1 {
			return fmt.Errorf("--error-rate, --429-rate, --hang-rate and --truncate-rate are shares from 0 to 1")
		}
	}
	// Each simulator gets its own copy of the faults: its own rate limit
	// and counters.
	dl := digilocker.NewSimulator(digilocker.SimConfig{ClientSecret: *secret, Faults: f})
	sl := sila.NewSimulator(sila.SimConfig{AccessToken: *silaToken, AppHandle: *silaApp, Faults: f})
	ff := flexfactor.NewSimulator(flexfactor.SimConfig{ClientID: *ffID, ClientSecret: *ffSecret, Faults: f})
	mux := http.NewServeMux()
	mux.Handle("/digilocker/", http.StripPrefix("/digilocker", dl))
	mux.Handle("/sila/", http.StripPrefix("/sila", sl))
	mux.Handle("/flexfactor/", http.StripPrefix("/flexfactor", ff))
	mux.HandleFunc("GET /_stats", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]simulation.Stats{"digilocker": dl.Stats(), "sila": sl.Stats(), "flexfactor": ff.Stats()})
	})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	base := listenURL(ln.Addr())
	fmt.Fprintf(stdout, "simulators: %s\nBV_DIGILOCKER_BASE_URL=%s/digilocker\nBV_SILA_BASE_URL=%s/sila\nBV_FLEXFACTOR_BASE_URL=%s/flexfactor\nstats: %s/_stats\n", base, base, base, base, base)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	if err := srv.Serve(ln); err != http.ErrServerClosed {
		return err
	}
	return nil
}
