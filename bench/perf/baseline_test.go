//go:build bench

package perf

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/provider"
	"github.com/bulkverify/bulkverify/provider/digilocker"
)

// The baselines run as subprocesses of this test binary (BV_PERF_MODE), so
// that their CPU is measured apart from the harness, as the services' is.
func runMode(mode string) {
	var err error
	switch mode {
	case "loop":
		err = loopMode()
	case "minimal":
		err = minimalMode()
	default:
		err = fmt.Errorf("unknown BV_PERF_MODE %q", mode)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// verifier is the DigiLocker client the worker uses, over a transport like
// the worker's, without the rate limiter.
func verifier(sim string) (bulkverify.Verifier, error) {
	tr := &http.Transport{Proxy: http.ProxyFromEnvironment, MaxIdleConns: 256, MaxIdleConnsPerHost: 128, IdleConnTimeout: 90 * time.Second}
	return digilocker.Provider.New(provider.Settings{BaseURL: sim, Values: map[string]string{"CLIENT_SECRET": simSecret, "XML_CERT": digilocker.SimXMLCertPEM}},
		&http.Client{Timeout: 30 * time.Second, Transport: tr})
}

// plainLoop verifies rows 1..n of the benchmark file (prefix) with conc
// goroutines and returns how many were VERIFIED.
func plainLoop(v bulkverify.Verifier, prefix string, n, conc int, claims bool) (int64, error) {
	var next, verified atomic.Int64
	var wg sync.WaitGroup
	var once sync.Once
	var firstErr error
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1))
				if i > n {
					return
				}
				row := bulkverify.Row{Number: i, Fields: map[string]string{
					"reference_id": fmt.Sprintf("%s-%d", prefix, i), "access_token": token(prefix, i), "doctype": "PANCR",
				}}
				if claims {
					row.Fields["document_number"], row.Fields["name"] = claimPAN, claimName
					row.Fields["dob"], row.Fields["gender"] = claimDOB, claimGender
				}
				res, err := v.Verify(context.Background(), row)
				if err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				if res.Status == bulkverify.StatusVerified {
					verified.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	return verified.Load(), firstErr
}

func loopMode() error {
	n, _ := strconv.Atoi(os.Getenv("BV_PERF_ROWS"))
	conc, _ := strconv.Atoi(os.Getenv("BV_PERF_CONC"))
	v, err := verifier(os.Getenv("BV_PERF_SIM"))
	if err != nil {
		return err
	}
	start := time.Now()
	ok, err := plainLoop(v, os.Getenv("BV_PERF_PREFIX"), n, conc, os.Getenv("BV_PERF_CLAIMS") != "")
	if err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(map[string]any{"seconds": time.Since(start).Seconds(), "verified": ok})
}

// loopResult is what a plain loop subprocess measured.
type loopResult struct {
	elapsed time.Duration
	cpu     time.Duration
}

// runClaimsLoop runs the plain loop over n rows that carry every claim.
func runClaimsLoop(t *testing.T, sim, prefix string, n, conc int) loopResult {
	return runLoop(t, sim, prefix, n, conc, "BV_PERF_CLAIMS=1")
}

// runLoop runs the plain loop over n rows in a subprocess with env added.
func runLoop(t *testing.T, sim, prefix string, n, conc int, env ...string) loopResult {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "BV_PERF_MODE=loop", "BV_PERF_SIM="+sim, "BV_PERF_PREFIX="+prefix,
		"BV_PERF_ROWS="+strconv.Itoa(n), "BV_PERF_CONC="+strconv.Itoa(conc))
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("plain loop: %v %s", err, out)
	}
	var r struct {
		Seconds  float64
		Verified int
	}
	if err := json.Unmarshal(out, &r); err != nil || r.Verified != n {
		t.Fatalf("plain loop: %s (%v); want %d verified", out, err, n)
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return loopResult{elapsed: time.Duration(r.Seconds * float64(time.Second)), cpu: cpu}
}

// minimalMode serves BV_PERF_BODY (a JSON document) on every request with
// the plainest net/http handler that still encodes JSON per request.
func minimalMode() error {
	raw, err := os.ReadFile(os.Getenv("BV_PERF_BODY"))
	if err != nil {
		return err
	}
	var body any
	if err := json.Unmarshal(raw, &body); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Printf("minimal: http://%s\n", ln.Addr())
	return http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(body)
	}))
}

// loadResult is what a load run measured.
type loadResult struct {
	rps float64
	p99 time.Duration
}

// load sends GET url from conns keep-alive connections for d and returns
// the requests/s and the 99th percentile latency.
func load(t *testing.T, url string, header http.Header, conns int, d time.Duration) loadResult {
	tr := &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	var mu sync.Mutex
	var all []time.Duration
	var failed atomic.Int64
	warm := time.Now().Add(300 * time.Millisecond)
	end := warm.Add(d)
	var wg sync.WaitGroup
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			buf := make([]byte, 32<<10)
			for {
				t0 := time.Now()
				if t0.After(end) {
					break
				}
				req, _ := http.NewRequest(http.MethodGet, url, nil)
				req.Header = header
				resp, err := client.Do(req)
				if err != nil {
					failed.Add(1)
					continue
				}
				for {
					if _, err := resp.Body.Read(buf); err != nil {
						break
					}
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					failed.Add(1)
				}
				if t0.After(warm) {
					lat = append(lat, time.Since(t0))
				}
			}
			mu.Lock()
			all = append(all, lat...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if n := failed.Load(); n > 0 {
		t.Errorf("load on %s: %d requests failed", url, n)
	}
	slices.Sort(all)
	return loadResult{rps: float64(len(all)) / d.Seconds(), p99: percentile(all, 0.99)}
}

// percentile returns the nearest-rank percentile of sorted xs.
func percentile(xs []time.Duration, p float64) time.Duration {
	if len(xs) == 0 {
		return 0
	}
	i := int(float64(len(xs))*p+0.999999) - 1
	return xs[min(max(i, 0), len(xs)-1)]
}
