package ratelimit

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the limiter's and the upstream requests' Prometheus
// metrics. Labels are provider names, operation names of the clients and
// answer classes: never a request id or row data.
type Metrics struct {
	Requests   *prometheus.CounterVec
	Throttled  *prometheus.CounterVec
	TokenWait  *prometheus.CounterVec
	Rate       *prometheus.GaugeVec
	Background *prometheus.GaugeVec
	Waiting    *prometheus.GaugeVec
	Duration   *prometheus.HistogramVec
	Hedges     *prometheus.CounterVec
}

// NewMetrics registers the metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bulkverify_upstream_requests_total",
			Help: "Upstream HTTP requests, by provider and answer class (2xx, 3xx, 4xx, 429, 5xx, timeout, error, cancelled).",
		}, []string{"provider", "class"}),
		Throttled: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bulkverify_upstream_throttled_total",
			Help: "Upstream 429 answers, by provider.",
		}, []string{"provider"}),
		TokenWait: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bulkverify_ratelimit_wait_seconds_total",
			Help: "Time requests spent waiting for a global rate-limit token, by provider.",
		}, []string{"provider"}),
		Rate: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "bulkverify_ratelimit_rate",
			Help: "The adapted global request rate per provider, requests/s.",
		}, []string{"provider"}),
		Background: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "bulkverify_ratelimit_background_429_share",
			Help: "The share of 429 answers the adaptive rate attributes to the upstream rather than to our rate, per provider.",
		}, []string{"provider"}),
		Waiting: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "bulkverify_ratelimit_waiting_requests",
			Help: "Upstream requests of this process waiting for a global rate-limit token, by provider.",
		}, []string{"provider"}),
		Duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "bulkverify_upstream_request_duration_seconds",
			Help:    "Upstream HTTP requests from sending to the end of the answer's body (token wait excluded), by provider, operation and outcome (2xx, 3xx, 4xx, 429, 5xx, timeout, error, cancelled).",
			Buckets: []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60},
		}, []string{"provider", "operation", "outcome"}),
		Hedges: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bulkverify_upstream_hedged_total",
			Help: "Second copies sent of upstream requests that had no answer after the hedge delay, by provider.",
		}, []string{"provider"}),
	}
	reg.MustRegister(m.Requests, m.Throttled, m.TokenWait, m.Rate, m.Background, m.Waiting, m.Duration, m.Hedges)
	return m
}
