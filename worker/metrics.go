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
	// Upstream are the metrics of the upstream requests and their rate
	// limits.
	Upstream *ratelimit.Metrics
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
		Upstream:        ratelimit.NewMetrics(reg),
	}
	return m
}

func (m *Metrics) observeRow(provider string, r bulkverify.Result) {
	m.Rows.WithLabelValues(provider, string(r.Status), string(r.Code)).Inc()
	m.Attempts.WithLabelValues(provider).Add(float64(r.Attempts))
}
