package intake

import (
	"context"
	"errors"
	"time"

	"github.com/bulkverify/bulkverify"
)

// defaultRenewEvery is how often an upload renews its Idempotency-Key's
// lease when Service.RenewEvery is unset.
const defaultRenewEvery = 3 * time.Second

// hold renews claim c on tenant's key every RenewEvery until the returned
// stop is called, so that the key stays this upload's while it runs and
// comes free soon after should the process die.
func (s *Service) hold(ctx context.Context, tenant, key string, c bulkverify.IdempotencyClaim) (stop func()) {
	every := s.RenewEvery
	if every <= 0 {
		every = defaultRenewEvery
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			err := s.Idempotency.RenewIdempotencyKey(ctx, tenant, key, c)
			switch {
			case errors.Is(err, bulkverify.ErrIdempotencyClaimLost):
				s.Log.Warn("an upload lost its Idempotency-Key to another request", "tenant", tenant)
				return
			case err != nil && ctx.Err() == nil:
				s.Log.Warn("renew Idempotency-Key lease; retrying", "tenant", tenant, "err", err)
			}
		}
	}()
	return func() { cancel(); <-done }
}
