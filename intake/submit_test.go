package intake

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify"
)

var testSpec = bulkverify.Spec{Name: "docs", Required: []string{"token", "doctype"}}

var testSpecs = map[string]bulkverify.Spec{"docs": testSpec}

const goodCSV = "token,doctype,note\nt1,PAN,a\n,PAN,b\nt3,DL,c\n"

func submit(s memBundle, file, key string) (bulkverify.SubmitResult, error) {
	return s.svc.Submit(context.Background(), bulkverify.SubmitRequest{
		Tenant: "acme", Spec: testSpec, IdempotencyKey: key, File: strings.NewReader(file), Size: int64(len(file)),
	})
}

func sum(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func TestSubmit(t *testing.T) {
	t.Parallel()
	t.Run("a file becomes a queued batch, its input stored and its rows chunked", func(t *testing.T) {
		t.Parallel()
		s := setupMem(t)
		res, err := submit(s, goodCSV, "")
		if err != nil {
			t.Fatal(err)
		}
		b := s.store.batches[res.Batch.ID]
		if b.State != bulkverify.StateQueued || b.TotalRows != 3 || b.RejectedRows != 1 || b.Tenant != "acme" || b.DataKey == "" {
			t.Errorf("got stored batch %+v, want queued, 3 rows of which 1 rejected, acme's, with a data key", b)
		}
		if got := s.store.chunks[b.ID]; got != 2 {
			t.Errorf("got %d chunks, want 2 of at most 2 rows", got)
		}
		if got := string(s.store.inputs[b.ID]); got != goodCSV {
			t.Errorf("got stored input %q, want the file", got)
		}
		if strings.Join(res.IgnoredColumns, ",") != "note" || res.Replayed {
			t.Errorf("got ignored %v, replayed %v; want note ignored, not replayed", res.IgnoredColumns, res.Replayed)
		}
	})
	t.Run("options sent after the file replace those sent before", func(t *testing.T) {
		t.Parallel()
		s := setupMem(t)
		res, err := s.svc.Submit(context.Background(), bulkverify.SubmitRequest{
			Tenant: "acme", Spec: testSpec, File: strings.NewReader(goodCSV), Options: bulkverify.BatchOptions{CallbackURL: "https://before"},
			After: func(context.Context) (*bulkverify.BatchOptions, error) {
				return &bulkverify.BatchOptions{CallbackURL: "https://after"}, nil
			},
		})
		if err != nil || s.store.batches[res.Batch.ID].CallbackURL != "https://after" {
			t.Errorf("got %+v, %v; want callback https://after", s.store.batches[res.Batch.ID], err)
		}
	})
	t.Run("a file without a required column is refused and nothing is kept", func(t *testing.T) {
		t.Parallel()
		s := setupMem(t)
		_, err := submit(s, "token\nt1\n", "")
		if bulkverify.ErrorCode(err) != bulkverify.EMissingColumn || len(s.store.batches) != 0 || len(s.store.inputs) != 0 {
			t.Errorf("got %v, %d batches, %d inputs; want %s and nothing stored", err, len(s.store.batches), len(s.store.inputs), bulkverify.EMissingColumn)
		}
	})
	t.Run("a read error is answered as the caller maps it", func(t *testing.T) {
		t.Parallel()
		s := setupMem(t)
		mapped := bulkverify.Errorf(bulkverify.ERequestTimeout, "too slow")
		_, err := s.svc.Submit(context.Background(), bulkverify.SubmitRequest{
			Tenant: "acme", Spec: testSpec, File: io.MultiReader(strings.NewReader("token,doctype\n"), errReader{}),
			ReadError: func(error) error { return mapped },
		})
		if err != mapped || len(s.store.inputs) != 0 {
			t.Errorf("got %v, %d inputs; want the mapped error and no input", err, len(s.store.inputs))
		}
	})
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, io.ErrUnexpectedEOF }

func TestDryRun(t *testing.T) {
	t.Parallel()
	s := setupMem(t)
	res, err := s.svc.Submit(context.Background(), bulkverify.SubmitRequest{
		Tenant: "acme", Spec: testSpec, DryRun: true, IdempotencyKey: "k", File: strings.NewReader(goodCSV),
	})
	if err != nil || res.DryRun == nil {
		t.Fatalf("got %+v, %v; want a report", res, err)
	}
	d := res.DryRun
	if d.TotalRows != 3 || d.RejectedRows != 1 || len(d.Problems) != 1 || d.Problems[0].RowNumber != 2 || d.Problems[0].Column != "token" {
		t.Errorf("got %+v, want 3 rows, row 2's token at fault", d)
	}
	if len(s.store.batches)+len(s.store.inputs)+len(s.store.keys) != 0 {
		t.Errorf("a dry run kept %d batches, %d inputs, %d keys; want none", len(s.store.batches), len(s.store.inputs), len(s.store.keys))
	}
}

func TestSubmitUnderAnIdempotencyKey(t *testing.T) {
	t.Parallel()
	t.Run("the same file gets the first batch, another file IDEMPOTENCY_KEY_REUSED", func(t *testing.T) {
		t.Parallel()
		s := setupMem(t)
		first, err := submit(s, goodCSV, "k")
		if err != nil {
			t.Fatal(err)
		}
		again, err := submit(s, goodCSV, "k")
		if err != nil || !again.Replayed || again.Batch.ID != first.Batch.ID || len(s.store.batches) != 1 {
			t.Errorf("got %+v, %v, %d batches; want batch %s replayed", again, err, len(s.store.batches), first.Batch.ID)
		}
		if _, err := submit(s, "token,doctype\nother,PAN\n", "k"); bulkverify.ErrorCode(err) != bulkverify.EIdempotencyKeyReused {
			t.Errorf("another file: got %v, want %s", err, bulkverify.EIdempotencyKeyReused)
		}
		if k := s.store.keys["acme:k"]; !k.record || k.sha != sum(goodCSV) {
			t.Errorf("got key %+v, want the record of the file's SHA-256", k)
		}
	})
	t.Run("a key held by a live request is a conflict", func(t *testing.T) {
		t.Parallel()
		s := setupMem(t)
		memKeys{s.store}.ClaimIdempotencyKey(context.Background(), "acme", "k")
		if _, err := submit(s, goodCSV, "k"); bulkverify.ErrorCode(err) != bulkverify.EConflict || len(s.store.batches) != 0 {
			t.Errorf("got %v, %d batches; want %s and none", err, len(s.store.batches), bulkverify.EConflict)
		}
	})
}

func TestSubmitAfterTheKeysHolderDied(t *testing.T) {
	t.Parallel()
	t.Run("a key whose holder died before binding starts afresh", func(t *testing.T) {
		t.Parallel()
		s := setupMem(t)
		memKeys{s.store}.ClaimIdempotencyKey(context.Background(), "acme", "k")
		s.store.die("acme", "k")
		res, err := submit(s, goodCSV, "k")
		if err != nil || res.Replayed || len(s.store.batches) != 1 {
			t.Errorf("got %+v, %v, %d batches; want one new batch", res, err, len(s.store.batches))
		}
	})
	t.Run("a key whose holder died after creating its batch answers that batch", func(t *testing.T) {
		t.Parallel()
		s := setupMem(t)
		first, _ := submit(s, goodCSV, "")
		keys := memKeys{s.store}
		c, _ := keys.ClaimIdempotencyKey(context.Background(), "acme", "k")
		keys.BindIdempotencyKey(context.Background(), "acme", "k", c, first.Batch.ID, sum(goodCSV))
		s.store.die("acme", "k")
		res, err := submit(s, goodCSV, "k")
		if err != nil || !res.Replayed || res.Batch.ID != first.Batch.ID {
			t.Errorf("same file: got %+v, %v; want batch %s replayed", res, err, first.Batch.ID)
		}
		if _, err := submit(s, "token,doctype\nother,PAN\n", "k"); bulkverify.ErrorCode(err) != bulkverify.EIdempotencyKeyReused {
			t.Errorf("another file: got %v, want %s", err, bulkverify.EIdempotencyKeyReused)
		}
	})
	t.Run("a key bound to a batch that was never created is free again", func(t *testing.T) {
		t.Parallel()
		s := setupMem(t)
		keys := memKeys{s.store}
		c, _ := keys.ClaimIdempotencyKey(context.Background(), "acme", "k")
		keys.BindIdempotencyKey(context.Background(), "acme", "k", c, "never-created", sum("another file"))
		s.store.die("acme", "k")
		res, err := submit(s, goodCSV, "k")
		if err != nil || res.Replayed || res.Batch.ID == "never-created" || len(s.store.batches) != 1 {
			t.Errorf("got %+v, %v; want a new batch", res, err)
		}
	})
	t.Run("a refused file frees its key", func(t *testing.T) {
		t.Parallel()
		s := setupMem(t)
		if _, err := submit(s, "token\nt1\n", "k"); bulkverify.ErrorCode(err) != bulkverify.EMissingColumn {
			t.Fatalf("got %v, want %s", err, bulkverify.EMissingColumn)
		}
		if _, err := submit(s, goodCSV, "k"); err != nil {
			t.Errorf("the same key with a good file: got %v, want a batch", err)
		}
	})
}

// slowFile gives its content only once its gate opens.
type slowFile struct {
	gate <-chan struct{}
	r    io.Reader
}

func (f slowFile) Read(p []byte) (int, error) {
	<-f.gate
	return f.r.Read(p)
}

func TestAnUploadRenewsItsKeyWhileItRuns(t *testing.T) {
	t.Parallel()
	s := setupMem(t)
	s.svc.RenewEvery = 5 * time.Millisecond
	gate := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		_, err := s.svc.Submit(context.Background(), bulkverify.SubmitRequest{
			Tenant: "acme", Spec: testSpec, IdempotencyKey: "k", File: slowFile{gate: gate, r: strings.NewReader(goodCSV)},
		})
		done <- err
	}()
	deadline := time.Now().Add(5 * time.Second)
	for s.store.renewals() < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("got %d renewals in 5 s, want at least 3 while the file is read", s.store.renewals())
		}
		time.Sleep(time.Millisecond)
	}
	close(gate)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	after := s.store.renewals()
	if k := s.store.keys["acme:k"]; !k.record {
		t.Errorf("got key %+v, want the batch's record", k)
	}
	if got := s.store.renewals(); got != after {
		t.Errorf("renewals went on after the upload ended: %d, then %d", after, got)
	}
}
