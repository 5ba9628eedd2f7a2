package webhook

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the delivery metrics. Labels are event names and outcomes:
// never a URL or a batch id.
type Metrics struct {
	Deliveries *prometheus.CounterVec
	Duration   *prometheus.HistogramVec
}

// NewMetrics registers the delivery metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bulkverify_webhook_deliveries_total",
			Help: "Webhook delivery attempts, by event and outcome (delivered, failed, refused, gone, exhausted).",
		}, []string{"event", "outcome"}),
		Duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "bulkverify_webhook_delivery_duration_seconds",
			Help:    "Time of one webhook delivery attempt, from sending to the receiver's answer (or giving up), by event.",
			Buckets: []float64{.01, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"event"}),
	}
	reg.MustRegister(m.Deliveries, m.Duration)
	return m
}

func (m *Metrics) observe(event Event, outcome string, ms int64) {
	if m == nil {
		return
	}
	m.Deliveries.WithLabelValues(string(event), outcome).Inc()
	m.Duration.WithLabelValues(string(event)).Observe(float64(ms) / 1000)
}
