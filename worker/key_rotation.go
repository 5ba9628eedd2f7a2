package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// DataKeyStore holds the wrapped data key of each live batch.
type DataKeyStore interface {
	// WrappedDataKeys returns the wrapped data key of every batch that
	// holds one, by batch id.
	WrappedDataKeys(ctx context.Context) (map[string]string, error)
	// ReplaceDataKey stores wrapped as batch id's data key if it is still
	// old, and reports whether it did.
	ReplaceDataKey(ctx context.Context, id, old, wrapped string) (bool, error)
}

// Rewrapper wraps a data key anew under the current service key
// (envelope.Keyring): "" when it is under the current key already.
type Rewrapper interface {
	Rewrap(batchID, wrapped string) (string, error)
}

// KeyRotator completes a rotation of the service key (BV_DATA_KEY): it
// re-wraps the data key of every live batch that is still under another
// key (BV_DATA_KEY_PREVIOUS) under the current one, so that the previous
// key can be dropped, and counts in Stale the batches it could not. Each
// swap is conditional on the key not having changed, so every worker runs
// one, and a batch that expires meanwhile is never given its key back.
type KeyRotator struct {
	Batches DataKeyStore
	Keys    Rewrapper
	// Stale is set after each sweep to how many live batches have a data
	// key wrapped by another key than the current one.
	Stale prometheus.Gauge
	Every time.Duration
	Log   *slog.Logger

	loop periodic
}

// NewStaleKeysGauge registers bulkverify_batches_previous_key with reg.
func NewStaleKeysGauge(reg prometheus.Registerer) prometheus.Gauge {
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "bulkverify_batches_previous_key",
		Help: "Live batches whose data key is still wrapped by a service key other than BV_DATA_KEY, after the last key rotation sweep; BV_DATA_KEY_PREVIOUS may be dropped when it is 0 on every worker.",
	})
	reg.MustRegister(g)
	return g
}

// Start sweeps at once, so that Stale is known soon after a restart with
// a new key, then every r.Every until Shutdown.
func (r *KeyRotator) Start() { r.loop.startNow(r.Every, r.Log, "key rotation sweep", r.Rotate) }

// Shutdown stops the sweeps and waits for one in progress.
func (r *KeyRotator) Shutdown() { r.loop.shutdown() }

// Rotate re-wraps every live batch's data key under the current service
// key and sets Stale to how many are still under another one.
func (r *KeyRotator) Rotate(ctx context.Context) error {
	keys, err := r.Batches.WrappedDataKeys(ctx)
	if err != nil {
		return err
	}
	stale, rewrapped := 0, 0
	var errs []error
	for id, wrapped := range keys {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		done, err := r.rewrap(ctx, id, wrapped)
		if err != nil {
			stale++
			if len(errs) < 5 {
				errs = append(errs, err)
			}
			continue
		}
		if done {
			rewrapped++
		}
	}
	if r.Stale != nil {
		r.Stale.Set(float64(stale))
	}
	if rewrapped > 0 {
		r.Log.Info("data keys re-wrapped under the current BV_DATA_KEY", "batches", rewrapped)
	}
	if stale > 0 {
		return fmt.Errorf("%d batches keep a data key under another key than BV_DATA_KEY: %w", stale, errors.Join(errs...))
	}
	return nil
}

// rewrap re-wraps one batch's data key if it is under another key, and
// reports whether it did. A batch whose key changed or went meanwhile is
// not stale: the next sweep sees what it has now.
func (r *KeyRotator) rewrap(ctx context.Context, id, wrapped string) (bool, error) {
	fresh, err := r.Keys.Rewrap(id, wrapped)
	if err != nil {
		return false, fmt.Errorf("batch %s: %w", id, err)
	}
	if fresh == "" {
		return false, nil
	}
	if _, err := r.Batches.ReplaceDataKey(ctx, id, wrapped, fresh); err != nil {
		return false, err
	}
	return true, nil
}
