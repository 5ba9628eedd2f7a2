// Command bulkverify is the bulk document-verification service: intake API,
// workers, provider simulators and a command-line client, in one binary.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"syscall"
)

func main() {
	tuneMemory(os.Args[1:], os.Getenv)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout)
	stop()
	var end *batchEnded
	switch {
	case errors.As(err, &end):
		os.Exit(end.code)
	case err != nil:
		fmt.Fprintln(os.Stderr, "bulkverify:", err)
		os.Exit(1)
	}
}

// Soft memory limits of `serve` and `work` unless GOMEMLIMIT or
// BV_MEMORY_LIMIT_MB says otherwise. serve: each upload holds a 5 MiB part
// buffer and a table of its distinct rows, and without a limit the
// collector lets the heap grow to twice what is live. work: it lets the
// heap grow to five times what is live (workGCPercent), within this limit.
const (
	serveMemoryLimit = 112 << 20
	workMemoryLimit  = 384 << 20
)

// workGCPercent is GOGC of `work` unless GOGC is set. A worker's live heap
// is small (the chunks in flight) and it allocates per upstream answer: at
// Go's default of 100 the collector took about a fifth of its CPU in
// `make bench`, and throughput rose by a tenth or more at 400.
const workGCPercent = 400

// serveGCPercent is GOGC of `serve` unless GOGC is set. An upload's live
// heap is small (its duplicate table is mapped outside the heap); what it
// allocates is one string per CSV record and its sealed parts, garbage at
// once. Collecting at half again the live heap rather than twice it keeps
// the garbage of eight uploads at once from doubling serve's memory.
const serveGCPercent = 50

// tuneMemory sets the collector of `serve` and `work`: a soft memory limit
// (BV_MEMORY_LIMIT_MB, 0 for none) unless GOMEMLIMIT is set, which the
// runtime honours itself, and for work a GOGC unless GOGC is set.
func tuneMemory(args []string, getenv func(string) string) {
	if len(args) == 0 {
		return
	}
	var limit int64
	switch args[0] {
	case "serve":
		limit = serveMemoryLimit
		if getenv("GOGC") == "" {
			debug.SetGCPercent(serveGCPercent)
		}
	case "work":
		limit = workMemoryLimit
		if getenv("GOGC") == "" {
			debug.SetGCPercent(workGCPercent)
		}
	default:
		return
	}
	if getenv("GOMEMLIMIT") != "" {
		return
	}
	if v := getenv("BV_MEMORY_LIMIT_MB"); v != "" {
		mb, err := strconv.ParseInt(v, 10, 64)
		if err != nil || mb < 0 {
			fmt.Fprintf(os.Stderr, "bulkverify: BV_MEMORY_LIMIT_MB=%q is not a number of MiB; using %d\n", v, limit>>20)
		} else {
			limit = mb << 20
		}
	}
	if limit > 0 {
		debug.SetMemoryLimit(limit)
	}
}

// Exit codes of the client commands that wait for a batch.
const (
	exitCompleted = 0
	exitError     = 1
	exitCancelled = 2
	exitFailed    = 3
)

// batchEnded is how a waited-for batch ended other than completed; main
// turns it into the exit code.
type batchEnded struct {
	code  int
	state string
}

func (e *batchEnded) Error() string { return "the batch ended " + e.state }

// endOf returns nil for a completed batch, else its exit error.
func endOf(state string) error {
	switch state {
	case "completed":
		return nil
	case "cancelled":
		return &batchEnded{exitCancelled, state}
	}
	return &batchEnded{exitFailed, state}
}

const usage = `usage: bulkverify <command> [arguments]

commands:
  dev                                 API, web UI, worker, embedded Redis and S3 and the
                                      provider simulators in one process
  serve                               the intake API
  work                                a worker (run as many as you like)
  simulate                            the provider simulators alone
  check-config serve|work|dev         check the configuration that command would load
                                      (placeholders, short secrets, BV_DATA_KEY, pprof);
                                      connects to nothing; exit 0 when it finds no problem
  submit FILE --provider P [--wait]   upload a CSV batch; --wait shows progress and
                                      downloads the output; --dry-run only checks it
  status REQUEST_ID                   print a batch's status
  list [--state S] [--provider P]     list your batches, newest first
  cancel REQUEST_ID [--wait]          cancel a batch; its output keeps what was done
  retry REQUEST_ID [--codes A,B] [--wait]
                                      a new batch of the retryable FAILED rows
  webhook-receiver --secret whsec_... [--addr 127.0.0.1:9999]
                                      print the webhooks it receives, verified

Exit codes of submit --wait, retry --wait and cancel --wait: 0 completed,
2 cancelled, 3 failed (or a dry run found bad rows), 1 any error.

Configuration is read from BV_* environment variables; see docs/configuration.md.`

// run is the whole program, so that tests can run it on :0.
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stdout, usage)
		return fmt.Errorf("no command given")
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "dev":
		return runDev(ctx, rest, getenv, stdout)
	case "serve":
		return runServe(ctx, rest, getenv, stdout)
	case "work":
		return runWork(ctx, rest, getenv, stdout)
	case "simulate":
		return runSimulate(ctx, rest, getenv, stdout)
	case "check-config":
		return runCheckConfig(ctx, rest, getenv, stdout)
	case "submit":
		return runSubmit(ctx, rest, getenv, stdout)
	case "status":
		return runStatus(ctx, rest, getenv, stdout)
	case "list":
		return runList(ctx, rest, getenv, stdout)
	case "cancel":
		return runCancel(ctx, rest, getenv, stdout)
	case "retry":
		return runRetry(ctx, rest, getenv, stdout)
	case "webhook-receiver":
		return runWebhookReceiver(ctx, rest, getenv, stdout)
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	fmt.Fprintln(stdout, usage)
	return fmt.Errorf("unknown command %q", cmd)
}
