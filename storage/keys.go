package storage

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
)

// The Redis layout: every key the service writes besides asynq's, and the
// fields of a batch's state hash, are named here and nowhere else. The Lua
// scripts take their keys as KEYS and the fields they touch as ARGV or, in
// the embedded .lua files, as literals that must match the constants below
// (TestScriptFieldsAreKnown checks them).

// KeyPrefix prefixes every Redis key the service writes besides asynq's.
const KeyPrefix = "bv:"

// A batch's keys share the hash tag {id}, so they live in one Redis
// Cluster slot and one script may touch them all.
func batchTag(id string) string { return KeyPrefix + "batch:{" + id + "}" }

// batchKey is the batch's state hash (the fields below).
func batchKey(id string) string { return batchTag(id) }

// doneKey is the set of the batch's done chunk indexes.
func doneKey(id string) string { return batchTag(id) + ":done" }

// planKey is the hash of the batch's chunk payloads by index.
func planKey(id string) string { return batchTag(id) + ":plan" }

// paceKey is the list of progress samples ("unix_ms:processed_rows").
func paceKey(id string) string { return batchTag(id) + ":pace" }

// headerKey holds the batch's header, once for all its chunks.
func headerKey(id string) string { return batchTag(id) + ":header" }

// inflightKey is the set of the batch's chunks released and not yet done.
func inflightKey(id string) string { return batchTag(id) + ":inflight" }

// rowsPrefix prefixes the hashes of a chunk's saved rows (rowsKey).
func rowsPrefix(id string) string { return batchTag(id) + ":rows:" }

// rowsKey is the hash of a chunk's saved rows by row number.
func rowsKey(id string, chunk int) string { return rowsPrefix(id) + strconv.Itoa(chunk) }

// requeuesKey is the hash of the batch's hand-backs by chunk.
func requeuesKey(id string) string { return batchTag(id) + ":requeues" }

// leaseKey is the lease of a chunk's running delivery.
func leaseKey(id string, chunk int) string { return batchTag(id) + ":lease:" + strconv.Itoa(chunk) }

// rescueKey is a sweeper's claim to queue a chunk again.
func rescueKey(id string, chunk int) string {
	return batchTag(id) + ":rescue:" + strconv.Itoa(chunk)
}

// crashesKey is the hash of a batch's open deliveries by chunk (see
// chunk_leases.go).
func crashesKey(id string) string { return batchTag(id) + ":crashes" }

// outboxKey is the hash of the batch's events not yet queued: the state
// it reached, by when (unix ms). See outbox.go.
func outboxKey(id string) string { return batchTag(id) + ":outbox" }

// webhookLogKey is the list of the batch's delivery attempts, newest first.
func webhookLogKey(id string) string { return batchTag(id) + ":webhooks" }

// webhookStateKey is the hash of what the batch's deliveries learnt
// (fieldGone, fieldDelivered+id, fieldProgress).
func webhookStateKey(id string) string { return batchTag(id) + ":webhook-state" }

// webhookProgressKey is the key whose expiry spaces progress events.
func webhookProgressKey(id string) string { return batchTag(id) + ":webhook-progress" }

// tenantKey is a tenant's index of batches: a sorted set of batch ids
// scored by creation time (unix ms), so listing never scans the keyspace.
func tenantKey(tenant string) string { return KeyPrefix + "tenant:{" + tenant + "}:batches" }

// idemKey is the claim or result of a tenant's Idempotency-Key.
func idemKey(tenant, key string) string { return KeyPrefix + "idem:" + tenant + ":" + key }

// authFailKey is the counter of one throttled key. Keys longer than a
// client id should be (a header is up to 64 KB) are hashed.
func authFailKey(key string) string {
	if len(key) > 96 {
		sum := sha256.Sum256([]byte(key))
		key = "sha256:" + hex.EncodeToString(sum[:16])
	}
	return KeyPrefix + "authfail:" + key
}

// activeKey is the set of batches not yet finished, which the sweeper
// walks.
const activeKey = KeyPrefix + "active"

// outboxMarksKey is the hash of the batches whose outbox may hold events:
// batch id, by a mark ("<unix ms>-<token>") written before the script that
// appends one. See outbox.go.
const outboxMarksKey = KeyPrefix + "outbox"

// statesKey counts batches by state, for the batches-by-state gauge.
const statesKey = KeyPrefix + "states"

// finishedKey indexes finished batches by when they finished (unix ms), so
// that the retention sweep finds the due ones without a scan.
const finishedKey = KeyPrefix + "finished"

// The fields of a batch's state hash (batchKey).
const (
	fieldTenant         = "tenant"
	fieldProvider       = "provider"
	fieldState          = "state"
	fieldStop           = "stop"
	fieldWindow         = "window"
	fieldReleased       = "released"
	fieldTotalRows      = "total_rows"
	fieldRejectedRows   = "rejected_rows"
	fieldDuplicates     = "duplicates"
	fieldChunks         = "chunks"
	fieldProcessedRows  = "processed_rows"
	fieldVerified       = "verified"
	fieldNotVerified    = "not_verified"
	fieldFailed         = "failed"
	fieldFailureReason  = "failure_reason"
	fieldMaxFailureRate = "max_failure_rate"
	fieldDataKey        = "data_key"
	fieldParent         = "parent"
	fieldMetadata       = "metadata"
	fieldCallbackURL    = "callback_url"
	fieldCreatedAt      = "created_at"
	fieldStartedAt      = "started_at"
	fieldFinalizingAt   = "finalizing_at"
	fieldCompletedAt    = "completed_at"
	fieldCancellingAt   = "cancelling_at"
	fieldCancelledAt    = "cancelled_at"
	fieldFailedAt       = "failed_at"
	fieldExpiredAt      = "expired_at"
	// fieldCodePrefix prefixes the count of each result code: "code:<CODE>".
	fieldCodePrefix = "code:"
)

// The fields of a batch's webhook state hash (webhookStateKey).
const (
	fieldGone = "gone"
	// fieldDelivered prefixes a delivered message's id: "delivered:<id>".
	fieldDelivered = "delivered:"
	fieldProgress  = "progress"
)

// batchFields are every field name of the state hash, for the check that
// the scripts use no other.
var batchFields = []string{
	fieldTenant, fieldProvider, fieldState, fieldStop, fieldWindow, fieldReleased,
	fieldTotalRows, fieldRejectedRows, fieldDuplicates, fieldChunks, fieldProcessedRows,
	fieldVerified, fieldNotVerified, fieldFailed, fieldFailureReason, fieldMaxFailureRate,
	fieldDataKey, fieldParent, fieldMetadata, fieldCallbackURL, fieldCreatedAt, fieldStartedAt,
	fieldFinalizingAt, fieldCompletedAt, fieldCancellingAt, fieldCancelledAt, fieldFailedAt,
	fieldExpiredAt, fieldCodePrefix, fieldGone, fieldDelivered, fieldProgress,
}

// endedChannel is the Pub/Sub channel on which a batch's id is published
// when it ends (see EndedBatches).
const endedChannel = KeyPrefix + "batches:ended"
