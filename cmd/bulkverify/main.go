// Command bulkverify is the bulk document-verification service: intake API,
// workers, provider simulators and a command-line client, in one binary.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bulkverify:", err)
		os.Exit(1)
	}
}

const usage = `usage: bulkverify <command> [arguments]

commands:
  dev                                 API, web UI, worker, embedded Redis and S3 and the
                                      provider simulators in one process
  serve                               the intake API
  work                                a worker (run as many as you like)
  simulate                            the provider simulators alone
  submit FILE --provider P [--wait]   upload a CSV batch; --wait shows progress and
                                      downloads the output
  status REQUEST_ID                   print a batch's status

Configuration is read from BV_* environment variables; see README.md.`

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
	case "submit":
		return runSubmit(ctx, rest, getenv, stdout)
	case "status":
		return runStatus(ctx, rest, getenv, stdout)
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	fmt.Fprintln(stdout, usage)
	return fmt.Errorf("unknown command %q", cmd)
}
