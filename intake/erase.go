package intake

import (
	"context"

	"github.com/bulkverify/bulkverify"
)

// Erase deletes an ended batch's files, then its checkpoints, data key and
// state. Files go first: should that fail, the state is still there to
// try again.
func (s *Service) Erase(ctx context.Context, b bulkverify.Batch) error {
	if !b.State.Ended() {
		return bulkverify.Errorf(bulkverify.EBatchNotFinished, "batch %s is %s: cancel it first, then delete it once it is cancelled", b.ID, b.State)
	}
	if err := s.Files.DeleteBatch(ctx, b.ID); err != nil {
		return err
	}
	return s.Batches.Erase(ctx, b)
}
