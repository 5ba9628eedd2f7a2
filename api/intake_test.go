package api

import (
	"io"
	"log/slog"

	"github.com/bulkverify/bulkverify/intake"
	"github.com/bulkverify/bulkverify/provider/providers"
)

// dryRunIntake is an intake service enough for dry runs and for refusals
// that come before anything is stored: it has no store.
func dryRunIntake() *intake.Service {
	return &intake.Service{Specs: providers.Specs(), ChunkSize: 100, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
}
