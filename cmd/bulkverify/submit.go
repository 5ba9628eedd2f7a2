package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/bulkverify/bulkverify/api"
)

func runSubmit(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("submit", flag.ContinueOnError)
	fs.SetOutput(stdout)
	c := clientFlags(fs, getenv)
	provider := fs.String("provider", "", "provider: digilocker, sila or flexfactor (required)")
	wait := fs.Bool("wait", false, "wait for the batch to finish, showing progress, then download the output")
	output := fs.String("output", "", "where --wait saves output.csv (default REQUEST_ID.csv)")
	idem := fs.String("idempotency-key", "", "Idempotency-Key: resubmitting with the same key returns the same batch")
	timeout := fs.Duration("timeout", time.Hour, "how long --wait waits")
	file, rest := splitFirstArg(args)
	if err := fs.Parse(rest); err != nil {
		return err
	}
	if file == "" && fs.NArg() > 0 {
		file = fs.Arg(0)
	}
	if file == "" || *provider == "" {
		fs.Usage()
		return fmt.Errorf("usage: bulkverify submit FILE --provider P [--wait]")
	}
	id, err := c.upload(ctx, file, *provider, *idem)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "request_id: %s\n", id)
	if !*wait {
		return nil
	}
	wctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	st, raw, err := waitDone(wctx, c, id, stdout)
	if err != nil {
		return err
	}
	var pretty strings.Builder
	enc := json.NewEncoder(&pretty)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	var v any
	json.Unmarshal(raw, &v)
	enc.Encode(v)
	fmt.Fprint(stdout, pretty.String())
	path := *output
	if path == "" {
		path = id + ".csv"
	}
	if err := download(ctx, *st.BatchOutputFileURL, path); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "output: %s (%d verified, %d not verified, %d failed)\n", path, st.Verified, st.NotVerified, st.Failed)
	return nil
}

// splitFirstArg lets FILE come before the flags, as in the usage line.
func splitFirstArg(args []string) (string, []string) {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		return args[0], args[1:]
	}
	return "", args
}

// waitDone polls the status until the batch is finished, drawing a
// progress bar.
func waitDone(ctx context.Context, c *apiClient, id string, stdout io.Writer) (api.BatchStatus, json.RawMessage, error) {
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	last := ""
	for {
		st, raw, err := c.status(ctx, id)
		if err != nil {
			return st, nil, err
		}
		line := progressBar(st)
		if line != last {
			fmt.Fprintln(stdout, line)
			last = line
		}
		if st.Status == 200 && st.BatchOutputFileURL != nil {
			return st, raw, nil
		}
		select {
		case <-ctx.Done():
			return st, nil, fmt.Errorf("batch %s not finished (%s, %.1f%%): %w; check later with `bulkverify status %s`", id, st.State, st.PercentComplete, ctx.Err(), id)
		case <-tick.C:
		}
	}
}

func progressBar(st api.BatchStatus) string {
	const width = 30
	n := int(st.PercentComplete * width / 100)
	return fmt.Sprintf("[%s%s] %5.1f%% %d/%d rows  %s", strings.Repeat("#", n), strings.Repeat(".", width-n),
		st.PercentComplete, st.ProcessedRows, st.TotalRows, st.State)
}

func runStatus(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("status", flag.ContinueOnError)
	fs.SetOutput(stdout)
	c := clientFlags(fs, getenv)
	id, rest := splitFirstArg(args)
	if err := fs.Parse(rest); err != nil {
		return err
	}
	if id == "" && fs.NArg() > 0 {
		id = fs.Arg(0)
	}
	if id == "" {
		return fmt.Errorf("usage: bulkverify status REQUEST_ID")
	}
	_, raw, err := c.status(ctx, id)
	if err != nil {
		return err
	}
	var v any
	json.Unmarshal(raw, &v)
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
