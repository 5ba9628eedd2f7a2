// Package intake carries out what a client asks of its batches beyond
// reading them: it implements bulkverify.IntakeService over the batch and
// file services and the queue.
package intake

import (
	"log/slog"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/jobs"
)

// Service is the intake service.
type Service struct {
	Batches bulkverify.BatchService
	Files   bulkverify.FileService
	// Queue takes the finalizer of a batch cancelled with nothing in
	// flight.
	Queue jobs.Enqueuer
	Log   *slog.Logger
}
