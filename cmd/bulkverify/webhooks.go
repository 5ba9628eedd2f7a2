package main

import (
	"context"
	"time"

	"github.com/hibiken/asynq"

	"github.com/bulkverify/bulkverify/batchstatus"
	"github.com/bulkverify/bulkverify/jobs"
	"github.com/bulkverify/bulkverify/storage"
	"github.com/bulkverify/bulkverify/webhook"
	"github.com/bulkverify/bulkverify/worker"
)

// devWebhookSecret signs the demo client's webhooks in dev mode.
const devWebhookSecret = "whsec_YnVsa3ZlcmlmeS1kZXYtd2ViaG9va3Mtc2lnbmluZyE="

// webhookPolicy is the callback URL policy of BV_WEBHOOK_ALLOW_HOSTS.
func (a *app) webhookPolicy() webhook.Policy {
	return webhook.Policy{AllowHosts: a.cfg.WebhookAllowHosts}
}

// webhookEmitter queues the batches' events as the handlers reach them;
// a batch's final event is taken from its outbox.
func (a *app) webhookEmitter(q webhook.Enqueuer) *webhook.Emitter {
	return &webhook.Emitter{Queue: q, Progress: a.webhookLog, ProgressInterval: a.cfg.WebhookProgressInterval, Now: time.Now,
		Outbox: a.webhookOutbox(q)}
}

// webhookOutbox queues the events that state changes wrote to the
// batches' outboxes.
func (a *app) webhookOutbox(q webhook.Enqueuer) *webhook.Outbox {
	return &webhook.Outbox{Store: storage.NewOutbox(a.rdb, time.Now), Queue: q, Now: time.Now}
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

// announceExpiry queues batch.expired for the reaper from the batch's
// outbox, where expiring it wrote the event (only for a batch with a
// callback_url); should it fail, the sweepers queue it.
func announceExpiry(o *webhook.Outbox) func(ctx context.Context, id string) error {
	return o.DrainBatch
}

// retryDelay is asynq's RetryDelayFunc: webhook deliveries back off from
// BV_WEBHOOK_BACKOFF, the other tasks as the worker package says.
func (a *app) retryDelay(n int, err error, t *asynq.Task) time.Duration {
	if t.Type() == jobs.TypeWebhook {
		return webhook.Backoff{Base: a.cfg.WebhookBackoff}.Delay(n)
	}
	return worker.RetryDelay(n, err, t)
}
