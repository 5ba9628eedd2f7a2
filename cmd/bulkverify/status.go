package main

import (
	"context"
	"encoding/json"
	"flag"
	"io"
)

// runStatus prints a batch's status, as the API answers it.
func runStatus(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("status", flag.ContinueOnError)
	fs.SetOutput(stdout)
	c := clientFlags(fs, getenv)
	id, err := parseRequestID(fs, args, "usage: bulkverify status REQUEST_ID")
	if err != nil {
		return err
	}
	_, raw, err := c.status(ctx, id)
	if err != nil {
		return err
	}
	return printJSON(stdout, raw)
}

// printJSON prints an answer's data as indented JSON.
func printJSON(stdout io.Writer, raw json.RawMessage) error {
	var v any
	json.Unmarshal(raw, &v)
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
