package intake

import (
	"context"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/jobs"
)

// Cancel moves b to cancelling. When no chunk is in flight, no worker
// will queue the finalizer: Cancel queues it, and should that fail the
// sweeper does.
func (s *Service) Cancel(ctx context.Context, b bulkverify.Batch) (bulkverify.CancelResult, error) {
	res, err := s.Batches.Cancel(ctx, b.ID)
	if err != nil {
		return res, err
	}
	if res.Idle {
		if err := jobs.EnqueueFinalize(context.WithoutCancel(ctx), s.Queue, b.ID); err != nil {
			s.Log.Warn("queue finalizer of cancelled batch; the sweeper will retry", "request_id", b.ID, "tenant", b.Tenant, "err", err)
		}
	}
	return res, nil
}
