package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the API's Prometheus metrics.
type Metrics struct {
	gatherer prometheus.Gatherer
	Requests *prometheus.HistogramVec
	Errors   *prometheus.CounterVec
	Rows     *prometheus.CounterVec
}

// NewMetrics registers the API metrics with reg and serves g on /metrics.
func NewMetrics(reg prometheus.Registerer, g prometheus.Gatherer) *Metrics {
	m := &Metrics{
		gatherer: g,
		Requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "bulkverify_http_request_duration_seconds",
			Help:    "API request latency by route pattern and status.",
			Buckets: prometheus.DefBuckets,
		}, []string{"pattern", "status"}),
		Errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bulkverify_http_errors_total",
			Help: "API error responses by sub_code.",
		}, []string{"sub_code"}),
		Rows: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bulkverify_intake_rows_total",
			Help: "Rows accepted at intake, by provider and whether they passed validation.",
		}, []string{"provider", "valid"}),
	}
	reg.MustRegister(m.Requests, m.Errors, m.Rows)
	return m
}

// Handler serves the metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.gatherer, promhttp.HandlerOpts{})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// instrument records each request's latency by its route pattern, never the
// raw path.
func (s *Server) instrument(next *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		pattern := r.Pattern
		if pattern == "" {
			pattern = "unmatched"
		}
		s.Metrics.Requests.WithLabelValues(pattern, strconv.Itoa(rec.status)).Observe(time.Since(start).Seconds())
	})
}
