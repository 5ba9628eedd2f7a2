package main

import (
	"context"
	"time"

	"github.com/hibiken/asynq"

	"github.com/bulkverify/bulkverify/batchstatus"
	"github.com/bulkverify/bulkverify/jobs"
	"github.com/bulkverify/bulkverify/webhook"
	"github.com/bulkverify/bulkverify/worker"
)

// devWebhookSecret signs the demo client's webhooks in dev mode.
const devWebhookSecret = "whsec_YnVsa3ZlcmlmeS1kZXYtd2ViaG9va3Mtc2lnbmluZyE="

// webhookPolicy is the callback URL policy of BV_WEBHOOK_ALLOW_HOSTS.
func (a *app) webhookPolicy() webhook.Policy {
	return webhook.Policy{AllowHosts: a.cfg.WebhookAllowHosts}
}

// webhookEmitter queues the batches' events as the handlers reach them.
func (a *app) webhookEmitter(q webhook.Enqueuer) *webhook.Emitter {
	return &webhook.Emitter{Queue: q, Progress: a.webhookLog, ProgressInterval: a.cfg.WebhookProgressInterval, Now: time.Now}
}

// webhookDeliverer handles webhook:deliver tasks.
func (a *app) webhookDeliverer() (*webhook.Deliverer, error) {
	keys, err := webhook.KeysOf(a.cfg.WebhookSecrets)
	if err != nil {
		return nil, err
	}
	return &webhook.Deliverer{
		Batches: a.batches, Log: a.webhookLog,
		Status: batchstatus.Renderer{Files: a.files.Results, ProviderRates: a.providerRates()},
		Keys:   keys, Sender: webhook.NewSender(a.webhookPolicy()), MaxAttempts: a.cfg.WebhookMaxAttempts,
		Now: time.Now, Logger: a.log, Metrics: webhook.NewMetrics(a.reg),
	}, nil
}

// announceExpiry queues batch.expired for the reaper; the worker that
// delivers it sends nothing for a batch without a callback_url.
func announceExpiry(q webhook.Enqueuer) func(ctx context.Context, id string) error {
	return func(ctx context.Context, id string) error {
		return webhook.EnqueueEvent(ctx, q, id, webhook.EventExpired)
	}
}

// retryDelay is asynq's RetryDelayFunc: webhook deliveries back off from
// BV_WEBHOOK_BACKOFF, the other tasks as the worker package says.
func (a *app) retryDelay(n int, err error, t *asynq.Task) time.Duration {
	if t.Type() == jobs.TypeWebhook {
		return webhook.Backoff{Base: a.cfg.WebhookBackoff}.Delay(n)
	}
	return worker.RetryDelay(n, err, t)
}
