package main

import (
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// A worker whose metrics address is taken refuses to start at once and
// says which variable to change (that it shuts down the task server it
// had started is worker.TestWorkerStartShutsDownWhatStartedWhenAComponentFails).
func TestWorkWithATakenMetricsAddressRefusesToStart(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("needs redis-server")
	}
	env := prodEnv(t)
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	env["BV_METRICS_ADDR"] = taken.Addr().String()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = run(ctx, []string{"work"}, func(k string) string { return env[k] }, io.Discard)
	if ctx.Err() != nil {
		t.Fatal("work with a taken metrics address still ran 30s later, want it to refuse to start")
	}
	if err == nil || !strings.Contains(err.Error(), "BV_METRICS_ADDR") {
		t.Errorf("work: got %v, want an error naming BV_METRICS_ADDR", err)
	}
}
