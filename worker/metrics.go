package worker

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/ratelimit"
)

// Metrics are the worker's Prometheus metrics. Labels are provider names,
// statuses and codes: never a row's data.
type Metrics struct {
	Rows            *prometheus.CounterVec
	Attempts        *prometheus.CounterVec
	BatchesFinished *prometheus.CounterVec
	Aborts          *prometheus.CounterVec
	Retries         *prometheus.CounterVec
	Backoff         *prometheus.CounterVec
	Requeues        *prometheus.CounterVec
	// Yields are the chunks that handed their slot back at the end of a
	// slice (see Slicer).
	Yields *prometheus.CounterVec
	// CrashedChunks are the chunks settled without verifying because
	// their deliveries crashed their worker too often.
	CrashedChunks *prometheus.CounterVec
	// Upstream are the metrics of the upstream requests and their rate
	// limits.
	Upstream         *ratelimit.Metrics
	ChunkDuration    *prometheus.HistogramVec
	FinalizeDuration *prometheus.HistogramVec
	BatchDuration    *prometheus.HistogramVec
}

// NewMetrics registers the worker metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	counter := func(name, help string, labels ...string) *prometheus.CounterVec {
		c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
		reg.MustRegister(c)
		return c
	}
	m := &Metrics{
		Rows:            counter("bulkverify_rows_total", "Rows verified, by provider, status and result code.", "provider", "status", "code"),
		Attempts:        counter("bulkverify_row_attempts_total", "Upstream verification attempts made for rows, by provider.", "provider"),
		BatchesFinished: counter("bulkverify_batches_finished_total", "Batches whose output was assembled, by provider and final state (completed, cancelled, failed).", "provider", "state"),
		Aborts:          counter("bulkverify_batch_aborts_total", "Batches stopped because their share of FAILED rows crossed max_failure_rate, by provider.", "provider"),
		Retries:         counter("bulkverify_row_retries_total", "Row-level retries, by provider and reason (throttled, error).", "provider", "reason"),
		Backoff:         counter("bulkverify_row_backoff_seconds_total", "Time rows spent backing off before a retry, by provider.", "provider"),
		Requeues:        counter("bulkverify_chunk_requeues_total", "Chunks handed back to the queue because their provider kept throttling, by provider.", "provider"),
		Yields: counter("bulkverify_chunk_yields_total", "Chunk deliveries that handed their worker slot back to waiting work at the end of a slice, "+
			"because their provider's rate limit was saturated (BV_CHUNK_SLICE), by provider.", "provider"),
		CrashedChunks: counter("bulkverify_crashed_chunks_total", "Chunks not verified because their deliveries crashed a worker (out of memory, a panic) BV_MAX_CHUNK_CRASHES times: "+
			"their unfinished rows are FAILED/PROCESSING_FAILED, by provider.", "provider"),
		Upstream: ratelimit.NewMetrics(reg),
	}
	histogram := func(name, help string, buckets []float64, labels ...string) *prometheus.HistogramVec {
		h := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: name, Help: help, Buckets: buckets}, labels)
		reg.MustRegister(h)
		return h
	}
	m.ChunkDuration = histogram("bulkverify_chunk_duration_seconds", "Time to verify one chunk's rows and record it done, by provider.",
		prometheus.ExponentialBuckets(0.05, 2, 14), "provider")
	m.FinalizeDuration = histogram("bulkverify_finalize_duration_seconds", "Time to assemble a batch's output and error files, by provider.",
		prometheus.ExponentialBuckets(0.01, 2, 16), "provider")
	m.BatchDuration = histogram("bulkverify_batch_duration_seconds", "Time from upload to finished, by provider and final state.",
		prometheus.ExponentialBuckets(0.5, 2, 18), "provider", "state")
	return m
}

func (m *Metrics) observeRow(provider string, r bulkverify.Result) {
	m.Rows.WithLabelValues(provider, string(r.Status), string(r.Code)).Inc()
	m.Attempts.WithLabelValues(provider).Add(float64(r.Attempts))
}
