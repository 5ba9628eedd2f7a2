package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/bulkverify/bulkverify/webhook"
)

// runWebhookReceiver serves a webhook endpoint that verifies and prints
// every message, so that an operator can try the webhooks locally: point
// a batch's callback_url at it (and list its host in
// BV_WEBHOOK_ALLOW_HOSTS, as it is plain http on loopback).
func runWebhookReceiver(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("webhook-receiver", flag.ContinueOnError)
	fs.SetOutput(stdout)
	secret := fs.String("secret", getenv("BV_WEBHOOK_RECEIVER_SECRET"), "the tenant's `whsec_...` secret (BV_WEBHOOK_RECEIVER_SECRET)")
	addr := fs.String("addr", "127.0.0.1:9999", "listen `address`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *secret == "" {
		return errors.New("--secret whsec_... is required: the tenant's secret in BV_WEBHOOK_SECRETS")
	}
	key, err := webhook.ParseSecret(*secret)
	if err != nil {
		return fmt.Errorf("--secret: %w", err)
	}
	url, wait, err := serveUntil(ctx, *addr, &http.Server{Handler: &webhook.Receiver{Key: key, Out: stdout, Now: time.Now}, ReadHeaderTimeout: 10 * time.Second}, 0)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	fmt.Fprintf(stdout, "webhook receiver: %s/ (verifies Standard Webhooks signatures; 401 for a bad signature or a timestamp more than %v off)\n", url, webhook.Tolerance)
	return wait()
}
