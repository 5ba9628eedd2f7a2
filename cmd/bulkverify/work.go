package main

import (
	"context"
	"io"
)

// runWork runs a worker until ctx ends, then finishes what it holds.
func runWork(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	a, err := loadApp(getenv, false)
	if err != nil {
		return err
	}
	if err := a.open(ctx, false); err != nil {
		return err
	}
	defer a.close()
	stop, err := a.serveSide(ctx, false)
	if err != nil {
		return err
	}
	defer stop()
	return a.runWorker(ctx)
}
