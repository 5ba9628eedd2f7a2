package intake

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/bulkverify/bulkverify"
)

// memStore keeps batches, files and Idempotency-Keys in memory: the
// services Submit and Retry use, without Redis or S3.
type memStore struct {
	mu      sync.Mutex
	batches map[string]bulkverify.Batch
	chunks  map[string]int
	inputs  map[string][]byte
	errors  map[string]string
	keys    map[string]memKey
	renews  int
	nonce   int
}

// memKey is one Idempotency-Key: held by token until the holder is
// declared gone (dead), bound to a batch, or the record of one.
type memKey struct {
	token, id, sha string
	record, dead   bool
}

func newMemStore() *memStore {
	return &memStore{batches: map[string]bulkverify.Batch{}, chunks: map[string]int{}, inputs: map[string][]byte{},
		errors: map[string]string{}, keys: map[string]memKey{}}
}

// memBatches is the BatchService of a memStore.
type memBatches struct {
	bulkverify.BatchService // Submit and Retry call only Create and Get
	*memStore
}

func (m memBatches) Create(ctx context.Context, b bulkverify.Batch, window int, chunks [][]byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.batches[b.ID], m.chunks[b.ID] = b, len(chunks)
	return nil
}

func (m memBatches) Get(ctx context.Context, id string) (bulkverify.Batch, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.batches[id]
	if !ok {
		return b, bulkverify.Errorf(bulkverify.ENotFound, "no batch %s", id)
	}
	return b, nil
}

// memFiles is the FileService of a memStore.
type memFiles struct {
	bulkverify.FileService
	*memStore
}

func (m memFiles) PutInput(ctx context.Context, id string, r io.Reader) (string, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return "", err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.inputs[id] = b
	return "key-" + id, nil
}

func (m memFiles) DeleteInput(ctx context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.inputs, id)
	return nil
}

func (m memFiles) OpenInput(ctx context.Context, id, wrappedKey string) (io.ReadCloser, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return io.NopCloser(bytes.NewReader(m.inputs[id])), nil
}

func (m memFiles) OpenErrors(ctx context.Context, id string) (io.ReadCloser, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return io.NopCloser(strings.NewReader(m.errors[id])), nil
}

// memKeys is the IdempotencyService of a memStore.
type memKeys struct{ *memStore }

func (m memKeys) ClaimIdempotencyKey(ctx context.Context, tenant, key string) (bulkverify.IdempotencyClaim, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	k, ok := m.keys[tenant+":"+key]
	switch {
	case ok && k.record:
		return bulkverify.IdempotencyClaim{BatchID: k.id, SHA256: k.sha, Token: k.token}, nil
	case ok && !k.dead:
		return bulkverify.IdempotencyClaim{}, bulkverify.ErrIdempotencyPending
	case ok && k.id != "":
		return bulkverify.IdempotencyClaim{BatchID: k.id, SHA256: k.sha, Token: k.token}, nil
	}
	m.nonce++
	token := "claim-" + strings.Repeat("x", m.nonce)
	m.keys[tenant+":"+key] = memKey{token: token}
	return bulkverify.IdempotencyClaim{Token: token}, nil
}

// held runs f on the key if c holds it.
func (m memKeys) held(tenant, key string, c bulkverify.IdempotencyClaim, f func(k *memKey)) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	k, ok := m.keys[tenant+":"+key]
	if !ok || k.token != c.Token || k.record || k.dead {
		return bulkverify.ErrIdempotencyClaimLost
	}
	f(&k)
	m.keys[tenant+":"+key] = k
	return nil
}

func (m memKeys) RenewIdempotencyKey(ctx context.Context, tenant, key string, c bulkverify.IdempotencyClaim) error {
	return m.held(tenant, key, c, func(*memKey) { m.renews++ })
}

func (m memKeys) BindIdempotencyKey(ctx context.Context, tenant, key string, c bulkverify.IdempotencyClaim, id, sha string) error {
	return m.held(tenant, key, c, func(k *memKey) { k.id, k.sha = id, sha })
}

func (m memKeys) ResolveIdempotencyKey(ctx context.Context, tenant, key string, c bulkverify.IdempotencyClaim, id, sha string) error {
	return m.held(tenant, key, c, func(k *memKey) { k.id, k.sha, k.record = id, sha, true })
}

func (m memKeys) ReleaseIdempotencyKey(ctx context.Context, tenant, key string, c bulkverify.IdempotencyClaim) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.keys[tenant+":"+key].token == c.Token {
		delete(m.keys, tenant+":"+key)
	}
}

// die makes the holder of tenant's key gone, as when its lease ran out.
func (m *memStore) die(tenant, key string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := m.keys[tenant+":"+key]
	k.dead = true
	m.keys[tenant+":"+key] = k
}

func (m *memStore) renewals() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.renews
}

type noFeeder struct{}

func (noFeeder) Release(ctx context.Context, batchID string) (int, error) { return 0, nil }

// memBundle is a Service over one memStore.
type memBundle struct {
	svc   *Service
	store *memStore
}

func setupMem(t *testing.T) memBundle {
	t.Helper()
	m := newMemStore()
	return memBundle{store: m, svc: &Service{
		Batches: memBatches{memStore: m}, Files: memFiles{memStore: m}, Idempotency: memKeys{m}, Feeder: noFeeder{},
		Specs: testSpecs, ChunkSize: 2, BatchWindow: 4, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}}
}
