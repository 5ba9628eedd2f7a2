package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/hibiken/asynq"
	"github.com/hibiken/asynq/x/metrics"
	"github.com/hibiken/asynqmon"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/redis/go-redis/v9"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/api"
	"github.com/bulkverify/bulkverify/config"
	"github.com/bulkverify/bulkverify/intake"
	"github.com/bulkverify/bulkverify/jobs"
	"github.com/bulkverify/bulkverify/provider/providers"
	"github.com/bulkverify/bulkverify/ratelimit"
	"github.com/bulkverify/bulkverify/storage"
	"github.com/bulkverify/bulkverify/worker"
)

// app holds what serve, work and dev share: one Redis client for asynq and
// batch state, the object store, metrics and the provider clients.
type app struct {
	cfg     config.Config
	log     *slog.Logger
	rdb     redis.UniversalClient
	bucket  *storage.Bucket // the object store, which files are in
	files   *storage.Files
	batches *storage.Batches
	// apiServer is the API of serve (and dev), once apiHandler built it.
	apiServer *api.Server
	// chunks keeps the chunks' window, leases and saved rows.
	chunks *storage.Chunks
	// leases keeps the leases of running chunks.
	leases *storage.Leases
	// retention expires the batches past retention and swaps their data
	// keys.
	retention *storage.Retention
	// webhookLog keeps the batches' webhook deliveries, beside their state.
	webhookLog *storage.WebhookLog
	reg        *prometheus.Registry
	// serving is set when this process also serves the API, whose
	// /metrics then covers the worker too.
	serving bool
	// embeddedRedis is set by dev when it runs miniredis, which needs no
	// check of its version or eviction policy.
	embeddedRedis bool
	// limiters are the running rate limiters, stopped by stopLimiters.
	limiters []*ratelimit.Limiter
}

// newLogger logs at level to w, as text or, for log shippers, as one JSON
// object a line.
func newLogger(w io.Writer, level, format string) *slog.Logger {
	var l slog.Level
	l.UnmarshalText([]byte(level))
	opts := &slog.HandlerOptions{Level: l}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// open connects to Redis and S3 and checks both answer.
func (a *app) open(ctx context.Context, createBucket bool) error {
	rdb, addr, err := openRedis(a.cfg.RedisMode, a.cfg.RedisURL)
	if err != nil {
		return err
	}
	a.rdb = rdb
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := a.rdb.Ping(pctx).Err(); err != nil {
		return fmt.Errorf("connect to Redis (%s) at %s: %w (is it running? check BV_REDIS_URL and BV_REDIS_MODE)", a.cfg.RedisMode, addr, err)
	}
	if !a.embeddedRedis {
		warnings, err := checkRedis(pctx, a.rdb)
		for _, w := range warnings {
			a.log.Warn(w)
		}
		if err != nil {
			return err
		}
	}
	s3c, err := storage.NewS3Client(ctx, storage.S3Options{
		Endpoint: a.cfg.S3Endpoint, Region: a.cfg.S3Region, PathStyle: a.cfg.S3PathStyle,
		StaticKey: a.cfg.S3AccessKeyID, StaticSecret: a.cfg.S3SecretAccessKey,
	})
	if err != nil {
		return err
	}
	keys, err := a.cfg.Keyring()
	if err != nil {
		return err
	}
	a.bucket = storage.NewBucket(s3c, a.cfg.S3Bucket)
	a.bucket.SetEncryption(a.cfg.S3Encryption()) // EnsureBucket checks the store takes it
	a.files = storage.NewFiles(a.bucket, keys, a.cfg.PresignTTL)
	if err := a.bucket.EnsureBucket(pctx, createBucket); err != nil {
		return fmt.Errorf("object store: %w", err)
	}
	a.batches = storage.NewBatches(a.rdb, time.Now, a.cfg.Retention)
	a.chunks = storage.NewChunks(a.rdb, time.Now, a.cfg.Retention)
	a.leases = storage.NewLeases(a.rdb, time.Now, a.cfg.Retention)
	a.retention = storage.NewRetention(a.batches)
	a.webhookLog = storage.NewWebhookLog(a.rdb, time.Now, a.cfg.Retention)
	a.reg = prometheus.NewRegistry()
	a.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	a.reg.MustRegister(metrics.NewQueueMetricsCollector(asynq.NewInspectorFromRedisClient(a.rdb)))
	return nil
}

// openRedis returns the one client that asynq, the batch state and the rate
// limiter share: a plain client, a Redis Cluster client or a Sentinel
// failover client, from a redis:// URL (go-redis's ParseURL,
// ParseClusterURL, ParseFailoverURL: more nodes as ?addr=host:port, the
// Sentinel master as ?master_name=).
func openRedis(mode, u string) (redis.UniversalClient, string, error) {
	// The parse errors quote the URL, password and all: never show them.
	bad := fmt.Errorf("BV_REDIS_URL cannot be parsed for BV_REDIS_MODE=%s: want redis://[user:pass@]host:port/db with special characters percent-encoded", mode)
	switch mode {
	case "cluster":
		opt, err := redis.ParseClusterURL(u)
		if err != nil {
			return nil, "", bad
		}
		opt.Protocol = protocolOf(u)
		return redis.NewClusterClient(opt), strings.Join(opt.Addrs, ","), nil
	case "sentinel":
		opt, err := redis.ParseFailoverURL(u)
		if err != nil {
			return nil, "", bad
		}
		if opt.MasterName == "" {
			return nil, "", errors.New("BV_REDIS_MODE=sentinel needs the master's name in BV_REDIS_URL: ...?master_name=mymaster")
		}
		opt.Protocol = protocolOf(u)
		return redis.NewFailoverClient(opt), strings.Join(opt.SentinelAddrs, ","), nil
	default:
		opt, err := redis.ParseURL(u)
		if err != nil {
			return nil, "", bad
		}
		opt.Protocol = protocolOf(u)
		return redis.NewClient(opt), opt.Addr, nil
	}
}

// protocolOf returns the Redis protocol the URL asks for (?protocol=3), else
// RESP2: nothing here uses RESP3's push messages, and with RESP3 go-redis
// looks for them before every command, a read system call that cost the
// status route 6% of its CPU.
func protocolOf(u string) int {
	if strings.Contains(u, "protocol=3") {
		return 3
	}
	return 2
}

func (a *app) close() {
	if a.rdb != nil {
		a.rdb.Close()
	}
}

// enabledProviders lists the providers this configuration can verify.
func (a *app) enabledProviders() []string {
	var out []string
	for _, p := range a.cfg.Providers {
		if p.Enabled() {
			out = append(out, p.Name)
		}
	}
	return out
}

// providerRates returns each provider's global rate, for the ETA.
func (a *app) providerRates() map[string]float64 {
	out := map[string]float64{}
	for _, p := range a.cfg.Providers {
		out[p.Name] = p.Rate
	}
	return out
}

// verifiers returns a client for every configured provider. Each has its
// own HTTP client whose transport takes a token of the provider's global
// rate limit before every request.
func (a *app) verifiers(m *worker.Metrics) (map[string]bulkverify.Verifier, error) {
	base := &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		MaxIdleConns:        256,
		MaxIdleConnsPerHost: 128,
		IdleConnTimeout:     90 * time.Second,
	}
	v := map[string]bulkverify.Verifier{}
	var errs []error
	for _, p := range a.cfg.Providers {
		if !p.Enabled() {
			continue
		}
		lim := a.startLimiter(ratelimit.Config{Provider: p.Name, Rate: p.Rate, Burst: p.Burst}, m.Upstream)
		hc := &http.Client{Transport: a.upstreamTransport(base, lim)}
		c, err := p.New(p.Settings, hc)
		if err != nil {
			errs = append(errs, fmt.Errorf("provider %s: %w", p.Name, err))
			continue
		}
		v[p.Name] = c
	}
	return v, errors.Join(errs...)
}

func (a *app) feeder() *jobs.Feeder {
	return &jobs.Feeder{Chunks: a.chunks, Queue: asynq.NewClientFromRedisClient(a.rdb)}
}

// intake wires the intake service: submit, dry run, retry, cancel and
// erase over the batch state, the object store and the queue.
func (a *app) intake() *intake.Service {
	return &intake.Service{
		Batches: a.batches, Files: a.files, Idempotency: storage.NewIdempotency(a.rdb),
		Queue: asynq.NewClientFromRedisClient(a.rdb), Feeder: a.feeder(), Specs: providers.Specs(),
		ChunkSize: a.cfg.ChunkSize, MaxChunks: a.cfg.MaxChunks,
		MaxColumns: a.cfg.MaxColumns, MaxLineBytes: a.cfg.MaxLineBytes, MaxRows: a.cfg.MaxRows,
		BatchWindow: a.cfg.BatchWindow, TenantWeights: a.cfg.TenantWeights,
		RenewEvery: storage.IdempotencyLease / 3, Now: time.Now, Log: a.log,
	}
}

// serveAPI runs the intake API on addr until ctx ends. It prints the URL it
// listens on.
func (a *app) serveAPI(ctx context.Context, addr string, stdout io.Writer) error {
	// No ReadTimeout: an upload may take long; a stalled one is cut by
	// BV_UPLOAD_IDLE_TIMEOUT instead.
	handler := a.apiHandler()
	go a.followEndedBatches(ctx)
	hs := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	url, wait, err := serveUntil(ctx, addr, hs, 15*time.Second)
	if err != nil {
		return fmt.Errorf("listen on %s (BV_HTTP_ADDR): %w", addr, err)
	}
	fmt.Fprintf(stdout, "api: %s\nweb UI: %s/\n", url, url)
	if err := wait(); err != nil {
		return fmt.Errorf("serve API: %w", err)
	}
	return nil
}

// apiHandler wires the intake API and registers its metrics.
func (a *app) apiHandler() http.Handler {
	secret := []byte(a.cfg.JWTSecret)
	if len(secret) == 0 {
		secret = make([]byte, 32)
		rand.Read(secret)
		a.log.Warn("BV_JWT_SECRET is not set: tokens from /v1/authorize are valid on this instance only")
	}
	metrics := api.NewMetrics(a.reg, a.reg)
	a.reg.MustRegister(api.NewStateCollector(a.batches.CountByState))
	srv := &api.Server{
		Batches: a.batches, Files: a.files, Intake: a.intake(),
		Clients: a.cfg.Clients, JWTSecret: secret, JWTTTL: a.cfg.JWTTTL,
		MaxUploadBytes: a.cfg.MaxUploadBytes(), Specs: providers.Specs(),
		UploadIdleTimeout: a.cfg.UploadIdleTimeout, MaxConcurrentUploads: a.cfg.MaxConcurrentUploads,
		UploadMinBytesPerSecond: int64(a.cfg.UploadMinBytesPerSecond), BodyReadTimeout: a.cfg.BodyReadTimeout,
		AuthFailuresPerMinute: a.cfg.AuthFailuresPerMinute, TenantProviders: a.cfg.TenantProviders,
		APIRate:    a.cfg.APIRate,
		Monitoring: asynqmon.New(asynqmon.Options{RootPath: "/monitoring", RedisConnOpt: sharedRedis{a.rdb}, ReadOnly: true}),
		Operators:  a.cfg.Operators,
		Providers:  a.enabledProviders(), ProviderRates: a.providerRates(),
		WebhookAllowHosts: a.cfg.WebhookAllowHosts, WebhookSecrets: a.cfg.WebhookSecrets, Webhooks: a.webhookLog,
		Ready: map[string]api.Pinger{
			"redis": func(ctx context.Context) error { return a.rdb.Ping(ctx).Err() },
			"s3":    a.bucket.Ping,
		},
		Metrics: metrics,
		Now:     time.Now,
		Log:     a.log,
	}
	a.apiServer = srv
	if a.cfg.APIRate > 0 {
		srv.Limiter = storage.NewTenantLimiter(a.rdb, a.cfg.APIRate, a.cfg.APIBurst)
	}
	if a.cfg.AuthFailuresPerMinute > 0 {
		srv.AuthThrottle = api.CachedThrottle(storage.NewAuthThrottle(a.rdb, a.cfg.AuthFailuresPerMinute, time.Minute), authClearanceMaxAge)
	}
	if a.cfg.MetricsApart && !a.serving {
		return withoutMetrics(srv.Handler()) // serve has them on BV_METRICS_ADDR
	}
	return srv.Handler()
}

// followEndedBatches tells the API of every batch a worker finishes, until
// ctx ends, so that its pollers see it finished at once (see
// storage.EndedBatches); should the subscription fail, statuses are a
// second late at most.
func (a *app) followEndedBatches(ctx context.Context) {
	if err := storage.NewEndedBatches(a.rdb).Subscribe(ctx, a.apiServer.BatchEnded); err != nil && ctx.Err() == nil {
		a.log.Warn("follow ended batches; statuses of finished batches may be a second late", "err", err)
	}
}

// runWorker processes tasks until ctx ends, then finishes what it holds.
func (a *app) runWorker(ctx context.Context) error {
	metrics := worker.NewMetrics(a.reg)
	verifiers, err := a.verifiers(metrics)
	if err != nil {
		return err
	}
	defer a.stopLimiters()
	if len(verifiers) == 0 {
		var vars []string
		for _, p := range a.cfg.Providers {
			vars = append(vars, p.EnvPrefix()+"BASE_URL")
		}
		return fmt.Errorf("no provider is configured: set one of %s and its credentials (or run `bulkverify dev`)", strings.Join(vars, ", "))
	}
	w, err := a.newWorker(metrics, verifiers)
	if err != nil {
		return err
	}
	if err := w.Start(ctx); err != nil {
		return err
	}
	a.log.Info("worker started", "concurrency", a.cfg.WorkerConcurrency, "providers", strings.Join(keys(verifiers), ","))
	<-ctx.Done()
	return w.Shutdown(context.WithoutCancel(ctx))
}

// newWorker wires a worker: the task handlers and the components beside
// them, none started.
func (a *app) newWorker(metrics *worker.Metrics, verifiers map[string]bulkverify.Verifier) (*worker.Worker, error) {
	deliverer, err := a.webhookDeliverer()
	if err != nil {
		return nil, err
	}
	dataKeys, err := a.cfg.Keyring() // open has checked it
	if err != nil {
		return nil, err
	}
	h := a.handlers(metrics, verifiers)
	mux := asynq.NewServeMux()
	h.Register(mux)
	mux.HandleFunc(jobs.TypeWebhook, deliverer.Deliver)
	w := &worker.Worker{
		Handler: mux, Stops: h.Stops, Leases: h.Leases,
		Reaper: &worker.Reaper{Batches: a.retention, Files: a.bucket, StaleUploadAge: a.cfg.StaleUploadAge, Every: a.cfg.SweepInterval, Log: a.log,
			OnExpired: announceExpiry(a.webhookOutbox(h.Queue))},
		Rotator: &worker.KeyRotator{Batches: a.retention, Keys: dataKeys, Stale: worker.NewStaleKeysGauge(a.reg), Every: a.cfg.KeyRotationInterval, Log: a.log},
		Sweeper: &worker.Sweeper{Batches: a.batches, Chunks: a.chunks, Leases: a.leases, Feeder: h.Feeder, Queue: h.Queue, Tasks: asynq.NewInspectorFromRedisClient(a.rdb), Every: a.cfg.SweepInterval, Log: a.log, Now: time.Now,
			Events: a.webhookOutbox(h.Queue)},
	}
	if a.metricsListened() {
		w.Metrics = &untilShutdown{serve: a.serveMetrics}
	}
	w.Server = a.taskServer()
	return w, nil
}

// handlers are the worker's task handlers, with the stop watch and the
// chunk leases they use.
func (a *app) handlers(metrics *worker.Metrics, verifiers map[string]bulkverify.Verifier) *worker.Handlers {
	h := &worker.Handlers{
		Batches: a.batches, Checkpoints: a.chunks, Files: a.files,
		Queue: asynq.NewClientFromRedisClient(a.rdb), Feeder: a.feeder(),
		Verifiers: verifiers, Specs: providers.Specs(), RowConcurrency: a.cfg.RowConcurrency,
		Backoff: worker.Backoff{
			MaxAttempts: a.cfg.MaxAttempts, MaxThrottled: a.cfg.MaxThrottled,
			Base: 200 * time.Millisecond, Max: 10 * time.Second, ErrorMax: 2 * time.Second,
		},
		MaxRequeues: a.cfg.MaxRequeues,
		Slicer:      &worker.Slicer{Slice: a.cfg.ChunkSlice, Backlog: &jobs.Backlog{RDB: a.rdb, Every: backlogEvery}},
		Stops:       &worker.StopWatch{Batches: a.batches, Every: a.cfg.CancelCheckInterval, Log: a.log},
		Leases:      &worker.Leases{Store: a.leases, Every: chunkLeaseEvery, TTL: chunkLeaseTTL, Log: a.log},
		Now:         time.Now, Log: a.log, Metrics: metrics,
	}
	h.Webhooks = a.webhookEmitter(h.Queue)
	h.MaxChunkCrashes = a.cfg.MaxChunkCrashes // crash containment (issue 18)
	return h
}

// taskServer is the asynq server that runs the worker's tasks.
func (a *app) taskServer() *asynq.Server {
	return asynq.NewServerFromRedisClient(a.rdb, asynq.Config{
		Concurrency:       a.cfg.WorkerConcurrency,
		TaskCheckInterval: a.cfg.TaskCheckInterval,
		Queues:            jobs.Queues,
		IsFailure:         worker.IsFailure,
		RetryDelayFunc:    a.retryDelay,
		ShutdownTimeout:   a.cfg.ShutdownTimeout,
		Logger:            asynqLogger{a.log},
		LogLevel:          asynq.WarnLevel,
		ErrorHandler: asynq.ErrorHandlerFunc(func(ctx context.Context, t *asynq.Task, err error) {
			if !worker.IsFailure(err) {
				a.log.Debug("task handed back", "type", t.Type(), "err", err)
				return
			}
			a.log.Warn("task failed", "type", t.Type(), "err", err)
		}),
		// Retries are due within a second, not asynq's default five.
		DelayedTaskCheckInterval: time.Second,
	})
}

// withoutMetrics is h without its /metrics route (404), for a serve whose
// metrics have their own listener.
func withoutMetrics(h http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", h)
	mux.Handle("/metrics", http.NotFoundHandler())
	return mux
}

// metricsListened reports whether this process serves its metrics on
// BV_METRICS_ADDR: work always, serve when the variable is set, unless it
// is off. dev serves them on the API instead.
func (a *app) metricsListened() bool { return a.cfg.MetricsAddr != "off" && !a.serving }

// serveMetrics serves /metrics and /healthz on BV_METRICS_ADDR until ctx
// ends (see metricsListened); wait returns once it has closed.
func (a *app) serveMetrics(ctx context.Context) (wait func() error, err error) {
	if !a.metricsListened() {
		return noWait, nil
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(a.reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) })
	url, wait, err := serveUntil(ctx, a.cfg.MetricsAddr, &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}, 0)
	if err != nil {
		return nil, fmt.Errorf("serve metrics on %s: %w (set BV_METRICS_ADDR to a free address, or off)", a.cfg.MetricsAddr, err)
	}
	a.log.Info("metrics", "url", url+"/metrics")
	return wait, nil
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// asynqLogger sends asynq's logs to slog.
type asynqLogger struct{ l *slog.Logger }

func (l asynqLogger) Debug(args ...any) { l.l.Debug(fmt.Sprint(args...)) }
func (l asynqLogger) Info(args ...any)  { l.l.Info(fmt.Sprint(args...)) }
func (l asynqLogger) Warn(args ...any)  { l.l.Warn(fmt.Sprint(args...)) }
func (l asynqLogger) Error(args ...any) { l.l.Error(fmt.Sprint(args...)) }
func (l asynqLogger) Fatal(args ...any) { l.l.Error(fmt.Sprint(args...)) }

// sharedRedis hands asynqmon the one Redis client everything shares.
type sharedRedis struct{ c redis.UniversalClient }

func (s sharedRedis) MakeRedisClient() interface{} { return s.c }
