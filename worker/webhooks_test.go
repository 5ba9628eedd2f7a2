package worker

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/jobs"
)

// announcements is an Announcer that keeps what it is told.
type announcements struct {
	mu         sync.Mutex
	finished   []bulkverify.State
	progressed []string
	err        error
}

func (a *announcements) Finished(_ context.Context, b bulkverify.Batch, state bulkverify.State) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.finished = append(a.finished, state)
	return a.err
}

func (a *announcements) Progressed(_ context.Context, id string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.progressed = append(a.progressed, id)
	return a.err
}

// The finalizer announces the batch's final state once it is recorded,
// and again when it is delivered again after a crash: the event may be
// what the crash left undone (the queue sends it once). The last chunk
// announces no progress: the final event follows.
func TestFinalizeAnnouncesTheFinalState(t *testing.T) {
	t.Parallel()
	f := setupChunk(t, 5)
	f.v.blocked = false
	a := &announcements{}
	f.h.Webhooks = a
	ctx := context.Background()
	if err := f.h.VerifyChunk(ctx, f.task); err != nil {
		t.Fatal(err)
	}
	if len(a.progressed) != 0 {
		t.Errorf("got progress of %v, want none for the last chunk", a.progressed)
	}
	for range 2 {
		if err := f.h.Finalize(ctx, jobs.NewFinalizeTask("b1")); err != nil {
			t.Fatal(err)
		}
	}
	if want := []bulkverify.State{bulkverify.StateCompleted, bulkverify.StateCompleted}; !slices.Equal(a.finished, want) {
		t.Errorf("got announcements %v, want %v", a.finished, want)
	}
	a.err = errors.New("redis down")
	if err := f.h.Finalize(ctx, jobs.NewFinalizeTask("b1")); err == nil {
		t.Error("got nil when the event could not be queued, want an error so that the finalizer is retried")
	}
}
