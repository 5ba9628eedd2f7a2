package storage_test

import (
	"github.com/bulkverify/bulkverify/api"
	"github.com/bulkverify/bulkverify/batchstatus"
	"github.com/bulkverify/bulkverify/jobs"
	"github.com/bulkverify/bulkverify/storage"
	"github.com/bulkverify/bulkverify/webhook"
	"github.com/bulkverify/bulkverify/worker"
)

// The narrow interfaces the API, the worker, the webhook deliverer and
// the status renderer declare for what they need of the store;
// cmd/bulkverify passes them these types.
var (
	_ api.AuthThrottle      = (*storage.AuthThrottle)(nil)
	_ api.TenantLimiter     = (*storage.TenantLimiter)(nil)
	_ worker.BatchStore     = (*storage.Batches)(nil)
	_ worker.Checkpoints    = (*storage.Chunks)(nil)
	_ worker.FileStore      = (*storage.Files)(nil)
	_ worker.BatchFiles     = (*storage.Bucket)(nil)
	_ worker.LeaseStore     = (*storage.Leases)(nil)
	_ worker.SweepStore     = (*storage.Batches)(nil)
	_ worker.SweepChunks    = (*storage.Chunks)(nil)
	_ worker.RescueStore    = (*storage.Leases)(nil)
	_ worker.RetentionStore = (*storage.Retention)(nil)
	_ worker.DataKeyStore   = (*storage.Retention)(nil)
	_ jobs.ChunkWindow      = (*storage.Chunks)(nil)
	_ webhook.BatchReader   = (*storage.Batches)(nil)
	_ webhook.DeliveryLog   = (*storage.WebhookLog)(nil)
	_ webhook.ProgressClock = (*storage.WebhookLog)(nil)
	_ batchstatus.Presigner = (*storage.Results)(nil)
)
