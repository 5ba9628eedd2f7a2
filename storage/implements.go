package storage

import "github.com/bulkverify/bulkverify"

// The services of the domain root that the store implements.
var (
	_ bulkverify.BatchService       = (*Batches)(nil)
	_ bulkverify.FileService        = (*Files)(nil)
	_ bulkverify.IdempotencyService = (*Idempotency)(nil)
	_ bulkverify.WebhookLog         = (*WebhookLog)(nil)
)
