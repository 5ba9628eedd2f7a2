package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/bulkverify/bulkverify"
)

// The rows a route that reads a batch's file answers at most: ?limit=,
// by default defaultRowLimit.
const (
	defaultRowLimit = 50
	maxRowLimit     = 1000
)

// rowLimit reads ?limit=: a whole number from 1 to maxRowLimit, by
// default defaultRowLimit; anything else is INVALID_REQUEST.
func rowLimit(r *http.Request) (int, error) {
	l := r.URL.Query().Get("limit")
	if l == "" {
		return defaultRowLimit, nil
	}
	n, err := strconv.Atoi(l)
	if err != nil || n < 1 || n > maxRowLimit {
		return 0, bulkverify.Errorf(bulkverify.EInvalidRequest, "limit=%q: want a whole number from 1 to %d", cut(l), maxRowLimit)
	}
	return n, nil
}

// finishedBatch returns the caller's batch id once it is finished and its
// files are kept: BATCH_EXPIRED once they were deleted, BATCH_NOT_FINISHED
// before file, the file asked for, is written.
func (s *Server) finishedBatch(ctx context.Context, id, file string) (bulkverify.Batch, error) {
	b, err := s.tenantBatch(ctx, id)
	switch {
	case err != nil:
		return b, err
	case b.State == bulkverify.StateExpired:
		return b, bulkverify.Errorf(bulkverify.EBatchExpired, "batch %s has expired: its files were deleted at the end of retention", b.ID)
	case !b.State.Finished():
		return b, bulkverify.Errorf(bulkverify.EBatchNotFinished, "batch %s is %s: %s is written when it is finished", b.ID, b.State, file)
	}
	return b, nil
}
