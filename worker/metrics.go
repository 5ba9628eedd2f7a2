package worker

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/bulkverify/bulkverify"
)

// Metrics are the worker's Prometheus metrics.
type Metrics struct {
	Rows             *prometheus.CounterVec
	Attempts         *prometheus.CounterVec
	BatchesCompleted *prometheus.CounterVec
}

// NewMetrics registers the worker metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Rows: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bulkverify_rows_total",
			Help: "Rows verified, by provider, status and result code.",
		}, []string{"provider", "status", "code"}),
		Attempts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bulkverify_row_attempts_total",
			Help: "Upstream verification attempts made for rows, by provider.",
		}, []string{"provider"}),
		BatchesCompleted: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bulkverify_batches_completed_total",
			Help: "Batches whose output was assembled, by provider.",
		}, []string{"provider"}),
	}
	reg.MustRegister(m.Rows, m.Attempts, m.BatchesCompleted)
	return m
}

func (m *Metrics) observeRow(provider string, r bulkverify.Result) {
	m.Rows.WithLabelValues(provider, string(r.Status), string(r.Code)).Inc()
	m.Attempts.WithLabelValues(provider).Add(float64(r.Attempts))
}
