package intake

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"testing"

	"github.com/hibiken/asynq"

	"github.com/bulkverify/bulkverify"
)

// bundle is a Service over fakes that record what was asked of them.
type bundle struct {
	svc   *Service
	calls *[]string
	tasks *[]string
}

type fakeBatches struct {
	bulkverify.BatchService // the methods under test call nothing else
	calls                   *[]string
	cancel                  bulkverify.CancelResult
	cancelErr               error
}

func (f fakeBatches) Cancel(ctx context.Context, id string) (bulkverify.CancelResult, error) {
	*f.calls = append(*f.calls, "cancel "+id)
	return f.cancel, f.cancelErr
}

func (f fakeBatches) Erase(ctx context.Context, b bulkverify.Batch) error {
	*f.calls = append(*f.calls, "erase state "+b.ID)
	return nil
}

type fakeFiles struct {
	bulkverify.FileService
	calls *[]string
	err   error
}

func (f fakeFiles) DeleteBatch(ctx context.Context, id string) error {
	*f.calls = append(*f.calls, "delete files "+id)
	return f.err
}

type fakeQueue struct{ tasks *[]string }

func (q fakeQueue) EnqueueContext(ctx context.Context, t *asynq.Task, opts ...asynq.Option) (*asynq.TaskInfo, error) {
	*q.tasks = append(*q.tasks, t.Type())
	return &asynq.TaskInfo{}, nil
}

func setup(t *testing.T, batches fakeBatches, files fakeFiles) bundle {
	t.Helper()
	calls, tasks := &[]string{}, &[]string{}
	batches.calls, files.calls = calls, calls
	return bundle{
		svc: &Service{Batches: batches, Files: files, Queue: fakeQueue{tasks},
			Log: slog.New(slog.NewTextHandler(io.Discard, nil))},
		calls: calls, tasks: tasks,
	}
}

func TestCancel(t *testing.T) {
	t.Parallel()
	b := bulkverify.Batch{ID: "b1", State: bulkverify.StateProcessing}
	t.Run("a batch with nothing in flight gets its finalizer queued", func(t *testing.T) {
		t.Parallel()
		s := setup(t, fakeBatches{cancel: bulkverify.CancelResult{Cancelled: true, Idle: true}}, fakeFiles{})
		res, err := s.svc.Cancel(context.Background(), b)
		if err != nil || !res.Cancelled || len(*s.tasks) != 1 {
			t.Errorf("got %+v, %v, tasks %v; want cancelled, one finalizer queued", res, err, *s.tasks)
		}
	})
	t.Run("a batch with chunks in flight is left to its workers", func(t *testing.T) {
		t.Parallel()
		s := setup(t, fakeBatches{cancel: bulkverify.CancelResult{Cancelled: true}}, fakeFiles{})
		if _, err := s.svc.Cancel(context.Background(), b); err != nil || len(*s.tasks) != 0 {
			t.Errorf("got %v, tasks %v; want no error and no task", err, *s.tasks)
		}
	})
	t.Run("a batch past cancelling answers the store's error and queues nothing", func(t *testing.T) {
		t.Parallel()
		late := bulkverify.Errorf(bulkverify.EBatchFinished, "too late")
		s := setup(t, fakeBatches{cancelErr: late, cancel: bulkverify.CancelResult{Idle: true}}, fakeFiles{})
		if _, err := s.svc.Cancel(context.Background(), b); bulkverify.ErrorCode(err) != bulkverify.EBatchFinished || len(*s.tasks) != 0 {
			t.Errorf("got %v, tasks %v; want %s and no task", err, *s.tasks, bulkverify.EBatchFinished)
		}
	})
}

func TestErase(t *testing.T) {
	t.Parallel()
	t.Run("an ended batch loses its files, then its state", func(t *testing.T) {
		t.Parallel()
		s := setup(t, fakeBatches{}, fakeFiles{})
		err := s.svc.Erase(context.Background(), bulkverify.Batch{ID: "b1", State: bulkverify.StateCompleted})
		if want := []string{"delete files b1", "erase state b1"}; err != nil || !slices.Equal(*s.calls, want) {
			t.Errorf("got %v, calls %v; want %v", err, *s.calls, want)
		}
	})
	t.Run("a running batch is refused and nothing is deleted", func(t *testing.T) {
		t.Parallel()
		s := setup(t, fakeBatches{}, fakeFiles{})
		err := s.svc.Erase(context.Background(), bulkverify.Batch{ID: "b1", State: bulkverify.StateProcessing})
		if bulkverify.ErrorCode(err) != bulkverify.EBatchNotFinished || len(*s.calls) != 0 {
			t.Errorf("got %v, calls %v; want %s and no call", err, *s.calls, bulkverify.EBatchNotFinished)
		}
	})
	t.Run("files that cannot be deleted keep the state for another try", func(t *testing.T) {
		t.Parallel()
		s := setup(t, fakeBatches{}, fakeFiles{err: errors.New("s3 down")})
		err := s.svc.Erase(context.Background(), bulkverify.Batch{ID: "b1", State: bulkverify.StateExpired})
		if want := []string{"delete files b1"}; err == nil || !slices.Equal(*s.calls, want) {
			t.Errorf("got %v, calls %v; want an error after %v", err, *s.calls, want)
		}
	})
}
