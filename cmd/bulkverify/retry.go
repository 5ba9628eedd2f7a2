package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"
)

// runRetry submits a new batch of a batch's retryable FAILED rows.
func runRetry(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("retry", flag.ContinueOnError)
	fs.SetOutput(stdout)
	c := clientFlags(fs, getenv)
	w := waitFlags(fs)
	codes := fs.String("codes", "", "retry only rows with these codes, e.g. UPSTREAM_UNAVAILABLE,CANCELLED")
	id, err := parseRequestID(fs, args, "usage: bulkverify retry REQUEST_ID [--codes A,B] [--wait]")
	if err != nil {
		return err
	}
	path := "/v1/verification/batch/" + url.PathEscape(id) + "/retry"
	if *codes != "" {
		path += "?codes=" + url.QueryEscape(*codes)
	}
	var acc accepted
	if err := c.post(ctx, path, &acc); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "request_id: %s (a retry of %s: %d rows, numbered as in %s)\n", acc.RequestID, id, acc.TotalRows, id)
	return w.run(ctx, c, acc.RequestID, stdout)
}
