package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/bulkverify/bulkverify/api"
)

// metadataFlag collects repeated --metadata k=v.
type metadataFlag map[string]string

func (m metadataFlag) String() string { return fmt.Sprint(map[string]string(m)) }

func (m metadataFlag) Set(v string) error {
	k, val, ok := strings.Cut(v, "=")
	if !ok || k == "" {
		return fmt.Errorf("want key=value, got %q", v)
	}
	m[k] = val
	return nil
}

func runSubmit(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("submit", flag.ContinueOnError)
	fs.SetOutput(stdout)
	c := clientFlags(fs, getenv)
	provider := fs.String("provider", "", "the provider to verify with, one of those the server lists below (required)")
	w := waitFlags(fs)
	var o uploadOptions
	meta := metadataFlag{}
	fs.StringVar(&o.idemKey, "idempotency-key", "", "Idempotency-Key: resubmitting the same file with the same key returns the same batch")
	fs.BoolVar(&o.dryRun, "dry-run", false, "check the file and list its row problems; nothing is stored or queued")
	fs.Var(meta, "metadata", "`key=value` kept with the batch (repeatable)")
	fs.StringVar(&o.callbackURL, "callback-url", "", "https URL that receives the batch's webhooks")
	fs.StringVar(&o.maxFailureRate, "max-failure-rate", "", "stop the batch once more than this share (0 to 1) of its processed rows FAILED")
	fs.Usage = func() { submitUsage(ctx, fs, c, stdout) }
	file, rest := splitFirstArg(args)
	err := fs.Parse(rest)
	if errors.Is(err, flag.ErrHelp) {
		return nil // the usage, with the server's providers, is printed
	}
	if err != nil {
		return err
	}
	if file == "" && fs.NArg() > 0 {
		file = fs.Arg(0)
	}
	if file == "" || *provider == "" {
		fs.Usage()
		return fmt.Errorf("usage: bulkverify submit FILE --provider P [--wait]")
	}
	o.metadata = meta
	data, err := c.upload(ctx, file, *provider, o)
	if err != nil {
		return err
	}
	if o.dryRun {
		return printDryRun(stdout, data)
	}
	var acc accepted
	if err := json.Unmarshal(data, &acc); err != nil {
		return err
	}
	switch {
	case *w.json && !*w.wait:
		return printJSON(stdout, data)
	case !*w.json:
		fmt.Fprintf(stdout, "request_id: %s (%d rows, %d rejected at intake, %d duplicates)\n", acc.RequestID, acc.TotalRows, acc.RejectedRows, acc.Duplicates)
	}
	return w.run(ctx, c, acc.RequestID, stdout)
}

// submitUsage prints how to call submit, its flags, and the providers the
// server knows with their columns and claims: the server's list, not one
// of the CLI's own.
func submitUsage(ctx context.Context, fs *flag.FlagSet, c *apiClient, out io.Writer) {
	fmt.Fprintf(out, "usage: bulkverify submit FILE --provider P [flags]\n\nflags:\n")
	fs.PrintDefaults()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	list, err := c.providers(ctx)
	if err != nil {
		fmt.Fprintf(out, "\nproviders: cannot list them: %v\n"+
			"  The list comes from the server (GET /v1/providers). Give its URL with --url or BV_API_URL and the\n"+
			"  credentials with --client-id and --api-key (BV_CLIENT_ID, BV_API_KEY), before --help:\n"+
			"  bulkverify submit --url https://bulkverify.example.com --help\n", err)
		return
	}
	fmt.Fprintf(out, "\nproviders of %s (a file may have these columns; other columns are ignored):\n", c.base)
	for _, p := range list {
		printProvider(out, p)
	}
}

// printProvider describes one provider of the server's list.
func printProvider(out io.Writer, p providerInfo) {
	state := ""
	if !p.Enabled {
		state = " (not enabled on this server)"
	}
	fmt.Fprintf(out, "  %s%s\n", p.Name, state)
	fmt.Fprintf(out, "    required: %s\n", listOrNone(p.RequiredColumns))
	fmt.Fprintf(out, "    optional: %s\n", listOrNone(p.OptionalColumns))
	if len(p.Claims) == 0 {
		fmt.Fprintf(out, "    claims:   none (a claim column is refused)\n")
	} else {
		fmt.Fprintf(out, "    claims:   %s (compared with the document; results in <claim>_match)\n", strings.Join(p.Claims, ", "))
	}
	if len(p.SecretColumns) > 0 {
		fmt.Fprintf(out, "    secrets:  %s (accepted, never compared or output)\n", strings.Join(p.SecretColumns, ", "))
	}
}

func listOrNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

func printDryRun(stdout io.Writer, data json.RawMessage) error {
	var d struct {
		TotalRows    int `json:"total_rows"`
		RejectedRows int `json:"rejected_rows"`
		Duplicates   int `json:"duplicates"`
		Problems     []struct {
			RowNumber int    `json:"row_number"`
			Column    string `json:"column"`
			Reason    string `json:"reason"`
		} `json:"problems"`
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "dry run: %d rows, %d would be rejected, %d duplicates; nothing was stored or queued\n", d.TotalRows, d.RejectedRows, d.Duplicates)
	for _, p := range d.Problems {
		col := p.Column
		if col == "" {
			col = "-"
		}
		fmt.Fprintf(stdout, "  row %d, %s: %s\n", p.RowNumber, col, p.Reason)
	}
	if d.RejectedRows > len(d.Problems) {
		fmt.Fprintf(stdout, "  ... and %d more\n", d.RejectedRows-len(d.Problems))
	}
	if d.RejectedRows > 0 {
		return &batchEnded{exitFailed, "with rows that would be rejected"}
	}
	return nil
}

// waiter is --wait and what goes with it.
type waiter struct {
	wait    *bool
	output  *string
	timeout *time.Duration
	json    *bool
}

func waitFlags(fs *flag.FlagSet) waiter {
	return waiter{
		wait:    fs.Bool("wait", false, "wait for the batch to finish, showing progress, then download the output"),
		output:  fs.String("output", "", "where --wait saves output.csv (default REQUEST_ID.csv)"),
		timeout: fs.Duration("timeout", time.Hour, "how long --wait waits"),
		json:    fs.Bool("json", false, "print the finished batch's status data as JSON instead of progress and a summary"),
	}
}

// run waits for batch id if asked, downloads its output and returns how it
// ended.
func (w waiter) run(ctx context.Context, c *apiClient, id string, stdout io.Writer) error {
	if !*w.wait {
		return nil
	}
	// The id came from the server's answer: it names the output file.
	if err := checkRequestID(id); err != nil {
		return fmt.Errorf("the server answered a bad request id (%w): nothing is saved", err)
	}
	wctx, cancel := context.WithTimeout(ctx, *w.timeout)
	defer cancel()
	st, err := waitDone(wctx, c, id, newProgress(stdout, *w.json))
	if err != nil {
		return err
	}
	if st.BatchOutputFileURL == nil {
		return fmt.Errorf("batch %s is %s: %s; its files are gone", id, st.State, st.Message)
	}
	path := *w.output
	if path == "" {
		path = id + ".csv"
	}
	if err := download(ctx, *st.BatchOutputFileURL, path); err != nil {
		return err
	}
	if *w.json {
		if err := printStatusJSON(stdout, st); err != nil {
			return err
		}
	} else {
		fmt.Fprintln(stdout, summary(st, path))
	}
	return endOf(string(st.State))
}

// summary says in words how a finished batch ended.
func summary(st api.BatchStatus, path string) string {
	s := fmt.Sprintf("%s: %d rows: %d verified, %d not verified, %d failed", st.State, st.TotalRows, st.Verified, st.NotVerified, st.Failed)
	if st.Duplicates > 0 {
		s += fmt.Sprintf(" (%d duplicates verified once)", st.Duplicates)
	}
	if st.FailureReason != nil {
		s += "\nwhy: " + *st.FailureReason
	}
	return s + "\noutput: " + path
}

// splitFirstArg lets FILE come before the flags, as in the usage line.
// parseRequestID parses a command's flags and its REQUEST_ID, given
// before or after the flags, and checks it is one (32 hex characters).
func parseRequestID(fs *flag.FlagSet, args []string, usage string) (string, error) {
	id, rest := splitFirstArg(args)
	if err := fs.Parse(rest); err != nil {
		return "", err
	}
	if id == "" && fs.NArg() > 0 {
		id = fs.Arg(0)
	}
	if id == "" {
		return "", errors.New(usage)
	}
	return id, requestIDArg(id)
}

func splitFirstArg(args []string) (string, []string) {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		return args[0], args[1:]
	}
	return "", args
}

// waitDone polls the status until the batch is finished, showing its
// progress.
func waitDone(ctx context.Context, c *apiClient, id string, p progress) (api.BatchStatus, error) {
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	defer p.done()
	for {
		st, _, err := c.status(ctx, id)
		if err != nil {
			return st, err
		}
		p.update(st)
		if st.Finished() {
			return st, nil
		}
		select {
		case <-ctx.Done():
			return st, fmt.Errorf("batch %s not finished (%s, %.1f%%): %w; check later with `bulkverify status %s`", id, st.State, st.PercentComplete, ctx.Err(), id)
		case <-tick.C:
		}
	}
}
