package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/bulkverify/bulkverify"
)

// Metrics are the API's Prometheus metrics.
type Metrics struct {
	gatherer prometheus.Gatherer
	Requests *prometheus.HistogramVec
	Errors   *prometheus.CounterVec
	Rows     *prometheus.CounterVec
	Cancels  *prometheus.CounterVec
	Retries  *prometheus.CounterVec
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
	m.Cancels = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "bulkverify_batch_cancels_total",
		Help: "Batches cancelled by their owner, by provider.",
	}, []string{"provider"})
	m.Retries = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "bulkverify_batch_retries_total",
		Help: "Retry batches made of a finished batch's retryable rows, by provider.",
	}, []string{"provider"})
	reg.MustRegister(m.Requests, m.Errors, m.Rows, m.Cancels, m.Retries)
	return m
}

// StateCounter counts batches by state.
type StateCounter func(ctx context.Context) (map[bulkverify.State]int, error)

// stateCollector exports bulkverify_batches{state}: the batches in each
// state, read from Redis at each scrape.
type stateCollector struct {
	count StateCounter
	desc  *prometheus.Desc
}

// NewStateCollector returns the batches-by-state gauge over count.
func NewStateCollector(count StateCounter) prometheus.Collector {
	return &stateCollector{count: count, desc: prometheus.NewDesc("bulkverify_batches",
		"Batches by state (queued, processing, finalizing, completed, cancelling, cancelled, failed, expired).", []string{"state"}, nil)}
}

func (c *stateCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *stateCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	counts, err := c.count(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.desc, err)
		return
	}
	for _, st := range bulkverify.States {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(counts[st]), string(st))
	}
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

// Unwrap lets http.ResponseController reach the connection (the upload's
// idle deadline needs it).
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

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
