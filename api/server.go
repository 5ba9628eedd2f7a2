// Package api is the intake HTTP API: batch upload, status, list, cancel
// and retry, a batch's failed rows and claims, the providers, auth, the
// OpenAPI document and health endpoints.
package api

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/bulkverify/bulkverify"
)

// Pinger checks a dependency for /readyz.
type Pinger func(ctx context.Context) error

// Server is the HTTP API.
type Server struct {
	Batches bulkverify.BatchService
	Files   bulkverify.FileService
	// Intake submits, dry-runs, retries, cancels and erases batches.
	Intake bulkverify.IntakeService
	// Clients maps client_id to client_secret.
	Clients   map[string]string
	JWTSecret []byte
	JWTTTL    time.Duration
	// MaxUploadBytes bounds an upload's body (FILE_TOO_LARGE).
	MaxUploadBytes int64
	// UploadIdleTimeout answers 408 to an upload whose body stops coming.
	UploadIdleTimeout time.Duration
	// MaxConcurrentUploads bounds the uploads read at once; 0 is no bound.
	// One tenant reads at most half of them.
	MaxConcurrentUploads int
	uploadSlots          *uploadSlots
	ended                endedBatches
	running              runningBatches
	// StatusMaxAge is how old a status of a batch in progress the status
	// route may answer from memory: 0 is 1 s, negative is never (each
	// request reads the store, concurrent ones once).
	StatusMaxAge time.Duration
	// UploadMinBytesPerSecond answers 408 to an upload whose body brings
	// less than this on average over each UploadIdleTimeout (30 s when
	// unset) spent waiting for it; 0 is no minimum.
	UploadMinBytesPerSecond int64
	// BodyReadTimeout bounds reading the body of every request but an
	// upload; 0 is no bound.
	BodyReadTimeout time.Duration
	// AuthThrottle, when set, answers 429 TOO_MANY_ATTEMPTS to a client id
	// or source address past AuthFailuresPerMinute failed
	// authentications.
	AuthThrottle          AuthThrottle
	AuthFailuresPerMinute int
	// TenantProviders, when not nil, lists the providers each client_id
	// may upload to (BV_TENANT_PROVIDERS); a client not in it may upload
	// to none.
	TenantProviders map[string][]string
	// Monitoring is the queue UI served at /monitoring/ to Operators.
	Monitoring http.Handler
	Operators  []string
	// Limiter, when set, bounds each tenant's requests to APIRate/s.
	Limiter TenantLimiter
	APIRate float64
	// Specs are every known provider's columns and row checks, by name.
	Specs map[string]bulkverify.Spec
	// Providers lists the providers the workers are configured for.
	Providers []string
	// ProviderRates are the providers' global requests/s, for the ETA.
	ProviderRates map[string]float64
	// WebhookAllowHosts may receive webhooks over http or at private
	// addresses.
	WebhookAllowHosts []string
	// WebhookSecrets maps client_id to its webhook signing secret; a
	// client without one cannot set a callback_url.
	WebhookSecrets map[string]string
	// Webhooks is the delivery log of the batches' webhooks.
	Webhooks bulkverify.WebhookLog
	// LookupHost resolves a callback host; nil means the system resolver.
	LookupHost func(ctx context.Context, host string) ([]string, error)
	Ready      map[string]Pinger
	Metrics    *Metrics
	Now        func() time.Time
	Log        *slog.Logger
}

// Handler returns the API's routes behind its middleware.
func (s *Server) Handler() http.Handler {
	if s.MaxConcurrentUploads > 0 && s.uploadSlots == nil {
		s.uploadSlots = newUploadSlots(s.MaxConcurrentUploads)
	}
	mux := s.routes()
	return s.boundBodies(mux, s.instrument(mux))
}

func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/authorize", s.handleAuthorize)
	for _, rt := range s.apiRoutes() {
		mux.Handle(rt.pattern, s.authenticate(s.limitTenant(rt.handler)))
	}
	mux.HandleFunc("GET /openapi.json", s.handleOpenAPI)
	mux.HandleFunc("GET /monitoring/", s.handleMonitoring)
	mux.HandleFunc("GET /{$}", s.handleIndex)
	mux.HandleFunc("GET /assets/{file}", s.handleAsset)
	mux.HandleFunc("GET /healthz", s.handleHealth)
	mux.HandleFunc("GET /readyz", s.handleReady)
	mux.Handle("GET /metrics", s.Metrics.Handler())
	return mux
}

// route is one authenticated API route.
type route struct {
	pattern string
	handler http.HandlerFunc
}

// uploadRoutes are the routes whose body is a file: their bodies are
// bounded by the upload limits, every other body by boundBodies.
var uploadRoutes = []string{"POST /v1/verification/batch", "POST /v1/verification/{provider}/batch"}

// apiRoutes lists the authenticated routes; the OpenAPI test checks each
// one is documented.
func (s *Server) apiRoutes() []route {
	return []route{
		{"POST /v1/verification/batch", s.handleBatchCreate},
		{"POST /v1/verification/{provider}/batch", s.handleDeepvueBatchCreate},
		{"GET /v1/verification/batch-processing-status", s.handleBatchStatus},
		{"GET /v1/verification/batches", s.handleBatchList},
		{"POST /v1/verification/batch/{request_id}/cancel", s.handleBatchCancel},
		{"POST /v1/verification/batch/{request_id}/retry", s.handleBatchRetry},
		{"DELETE /v1/verification/batch/{request_id}", s.handleBatchDelete},
		{"GET /v1/verification/batch/{request_id}/webhooks", s.handleBatchWebhooks},
		{"GET /v1/verification/batch/{request_id}/errors", s.handleBatchErrors},
		{"GET /v1/verification/batch/{request_id}/claims", s.handleBatchClaims},
		{"GET /v1/providers", s.handleProviders},
	}
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	status, code := map[string]string{}, http.StatusOK
	for name, ping := range s.Ready {
		if err := ping(ctx); err != nil {
			status[name] = "unavailable"
			code = http.StatusServiceUnavailable
			s.Log.Warn("readiness check failed", "dependency", name, "err", err)
			continue
		}
		status[name] = "ok"
	}
	writeJSON(w, code, status)
}
