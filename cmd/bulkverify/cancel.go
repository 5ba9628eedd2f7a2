package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"

	"github.com/bulkverify/bulkverify/api"
)

// runCancel cancels a batch and, with --wait, waits for it to end.
func runCancel(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("cancel", flag.ContinueOnError)
	fs.SetOutput(stdout)
	c := clientFlags(fs, getenv)
	w := waitFlags(fs)
	id, err := parseRequestID(fs, args, "usage: bulkverify cancel REQUEST_ID [--wait]")
	if err != nil {
		return err
	}
	var st api.BatchStatus
	if err := c.post(ctx, "/v1/verification/batch/"+url.PathEscape(id)+"/cancel", &st); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %s (%d of %d rows processed); the output will hold every row, the unprocessed ones CANCELLED\n", id, st.State, st.ProcessedRows, st.TotalRows)
	return w.run(ctx, c, id, stdout)
}
