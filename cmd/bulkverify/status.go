package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
)

// runStatus prints a batch's status, as the API answers it.
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
	if err := requestIDArg(id); err != nil {
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
