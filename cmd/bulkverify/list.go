package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"text/tabwriter"

	"github.com/bulkverify/bulkverify/api"
)

// runList lists the caller's batches, newest first, one page at a time.
func runList(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("list", flag.ContinueOnError)
	fs.SetOutput(stdout)
	c := clientFlags(fs, getenv)
	state := fs.String("state", "", "only batches in this state (queued, processing, finalizing, completed, cancelling, cancelled, failed, expired)")
	provider := fs.String("provider", "", "only batches of this provider")
	page := fs.Int("page", 1, "page number")
	perPage := fs.Int("per-page", 20, "batches per page (at most 100)")
	asc := fs.Bool("asc", false, "oldest first")
	asJSON := fs.Bool("json", false, "print the answer's data as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	q := url.Values{"page": {fmt.Sprint(*page)}, "per_page": {fmt.Sprint(*perPage)}}
	if *state != "" {
		q.Set("state", *state)
	}
	if *provider != "" {
		q.Set("provider", *provider)
	}
	if *asc {
		q.Set("order", "asc")
	}
	resp, err := c.do(ctx, http.MethodGet, "/v1/verification/batches?"+q.Encode(), nil, "", nil)
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(stdout, resp.Data)
	}
	var d struct {
		Batches    []api.BatchStatus `json:"batches"`
		Pagination struct {
			Total       int `json:"total_count"`
			CurrentPage int `json:"current_page"`
			TotalPages  int `json:"total_pages"`
		} `json:"pagination"`
	}
	if err := json.Unmarshal(resp.Data, &d); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "REQUEST_ID\tPROVIDER\tSTATE\tROWS\tDONE\tVERIFIED\tNOT_VERIFIED\tFAILED\tCREATED")
	for _, b := range d.Batches {
		created := ""
		if b.CreatedAt != nil {
			created = b.CreatedAt.Local().Format("2006-01-02 15:04:05")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%.1f%%\t%d\t%d\t%d\t%s\n", b.RequestID, b.ProductID, b.State, b.TotalRows,
			b.PercentComplete, b.Verified, b.NotVerified, b.Failed, created)
	}
	tw.Flush()
	fmt.Fprintf(stdout, "page %d of %d, %d batches\n", d.Pagination.CurrentPage, d.Pagination.TotalPages, d.Pagination.Total)
	return nil
}
