// Package config loads the service configuration from environment variables.
package config

import (
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/bulkverify/bulkverify/envelope"
	"github.com/bulkverify/bulkverify/provider"
	"github.com/bulkverify/bulkverify/storage"
)

// Config is every setting of every command. Defaults live in Load. Each
// field's env tag names its variable and Dump is derived from the tags, so
// the dump cannot miss a setting; secret:"true" fields are redacted.
type Config struct {
	HTTPAddr string `env:"BV_HTTP_ADDR"`
	// MetricsAddr is where `work` serves /metrics; "off" disables it.
	// serve uses it only when it is set and not off (MetricsApart), else
	// it serves /metrics on the API.
	MetricsAddr string `env:"BV_METRICS_ADDR"`
	// PprofAddr, when set, is where serve, work and dev serve
	// net/http/pprof; off by default, and on a loopback address only
	// unless PprofAllowRemote.
	PprofAddr string `env:"BV_PPROF_ADDR"`
	RedisURL  string `env:"BV_REDIS_URL" secret:"url"`
	// RedisMode is single, cluster or sentinel.
	RedisMode string `env:"BV_REDIS_MODE"`

	S3Endpoint  string `env:"BV_S3_ENDPOINT"`
	S3Bucket    string `env:"BV_S3_BUCKET"`
	S3Region    string `env:"BV_S3_REGION"`
	S3PathStyle bool   `env:"BV_S3_PATH_STYLE"`
	// S3AccessKeyID and S3SecretAccessKey, when set, replace the standard
	// AWS credential chain.
	S3AccessKeyID     string `env:"BV_S3_ACCESS_KEY_ID"`
	S3SecretAccessKey string `env:"BV_S3_SECRET_ACCESS_KEY" secret:"true"`

	// Clients maps client_id to client_secret.
	Clients   map[string]string `env:"BV_CLIENTS" secret:"values"`
	JWTSecret string            `env:"BV_JWT_SECRET" secret:"true"`
	JWTTTL    time.Duration     `env:"BV_JWT_TTL"`

	// Operators may open the queue monitor at /monitoring/ (it shows
	// every tenant's tasks).
	Operators []string `env:"BV_OPERATORS"`

	// Providers holds the settings of every known provider, in the order
	// of the list Load was given; a provider without a base URL is off.
	Providers []ProviderConfig

	ChunkSize     int            `env:"BV_CHUNK_SIZE"`
	MaxChunks     int            `env:"BV_MAX_CHUNKS"`
	BatchWindow   int            `env:"BV_BATCH_WINDOW"`
	TenantWeights map[string]int `env:"BV_TENANT_WEIGHTS"`
	MaxThrottled  int            `env:"BV_MAX_THROTTLED"`
	MaxRequeues   int            `env:"BV_MAX_REQUEUES"`
	// ChunkSlice is how long a chunk slowed by its provider's saturated
	// rate limit runs before it hands its slot back to waiting work; 0
	// (or off) never does.
	ChunkSlice    time.Duration `env:"BV_CHUNK_SLICE"`
	SweepInterval time.Duration `env:"BV_SWEEP_INTERVAL"`
	// ShutdownTimeout is how long a worker told to stop lets its chunks
	// run before it hands them back to the queue.
	ShutdownTimeout time.Duration `env:"BV_SHUTDOWN_TIMEOUT"`

	// Crash containment (issue 18)
	// MaxChunkCrashes is how many deliveries of a chunk may crash their
	// worker (out of memory, a panic) before the next one settles it
	// unverified: its unfinished rows FAILED/PROCESSING_FAILED, retryable.
	MaxChunkCrashes int `env:"BV_MAX_CHUNK_CRASHES"`
	// UpstreamHedgeAfter is the least wait before a hung idempotent
	// upstream request gets a second copy; 0 turns hedging off.
	UpstreamHedgeAfter time.Duration `env:"BV_UPSTREAM_HEDGE_AFTER"`
	MaxUploadMB        int           `env:"BV_MAX_UPLOAD_MB"`
	WorkerConcurrency  int           `env:"BV_WORKER_CONCURRENCY"`
	RowConcurrency     int           `env:"BV_ROW_CONCURRENCY"`
	MaxAttempts        int           `env:"BV_MAX_ATTEMPTS"`
	PresignTTL         time.Duration `env:"BV_PRESIGN_TTL"`
	UpstreamTimeout    time.Duration `env:"BV_UPSTREAM_TIMEOUT"`
	LogLevel           string        `env:"BV_LOG_LEVEL"`
	// LogFormat is text or json.
	LogFormat string `env:"BV_LOG_FORMAT"`
	// CancelCheckInterval is how often a worker checks whether the batches
	// it runs were cancelled.
	CancelCheckInterval time.Duration `env:"BV_CANCEL_CHECK_INTERVAL"`
	// TaskCheckInterval is how often an idle worker looks for new tasks
	// (asynq polls; it has no blocking pop): the most a new chunk or
	// finalizer waits for an idle worker to notice it.
	TaskCheckInterval time.Duration `env:"BV_TASK_CHECK_INTERVAL"`
	// WebhookAllowHosts may receive webhooks over http or at private
	// addresses (tests, private networks).
	WebhookAllowHosts []string `env:"BV_WEBHOOK_ALLOW_HOSTS"`

	// DataKey wraps every batch's data key (32 bytes, Base64);
	// DataKeyPrevious is accepted for unwrapping while rotating.
	DataKey         string `env:"BV_DATA_KEY" secret:"true"`
	DataKeyPrevious string `env:"BV_DATA_KEY_PREVIOUS" secret:"true"`
	// Retention is how long a finished batch keeps its files; its state
	// then says expired for as long again.
	Retention time.Duration `env:"BV_RETENTION"`
	// StaleUploadAge is how old an unfinished multipart upload must be for
	// the workers to abort it.
	StaleUploadAge time.Duration `env:"BV_STALE_UPLOAD_AGE"`
	// UploadIdleTimeout ends an upload whose body makes no progress.
	UploadIdleTimeout time.Duration `env:"BV_UPLOAD_IDLE_TIMEOUT"`
	// MaxConcurrentUploads bounds the uploads one serve process reads at
	// once; the next get 503 with Retry-After.
	MaxConcurrentUploads int `env:"BV_MAX_CONCURRENT_UPLOADS"`

	// Intake limits (issue 18)
	// MaxColumns bounds an upload's header columns (TOO_MANY_COLUMNS; a
	// header line over 64 KB is refused too).
	MaxColumns int `env:"BV_MAX_COLUMNS"`
	// MaxLineBytes bounds each record of an upload (LINE_TOO_LONG).
	MaxLineBytes int `env:"BV_MAX_LINE_BYTES"`
	// MaxRows bounds an upload's data rows (TOO_MANY_ROWS).
	MaxRows int `env:"BV_MAX_ROWS"`

	// Tenancy and authentication limits (issue 18)
	// UploadMinBytesPerSecond answers 408 to an upload whose body averages
	// less over a BV_UPLOAD_IDLE_TIMEOUT spent waiting for it; 0 is off.
	UploadMinBytesPerSecond int `env:"BV_UPLOAD_MIN_BYTES_PER_SECOND"`
	// BodyReadTimeout bounds reading the body of every request but an
	// upload (POST /v1/authorize's form, ...).
	BodyReadTimeout time.Duration `env:"BV_BODY_READ_TIMEOUT"`
	// AuthFailuresPerMinute is how many failed authentications a client id,
	// and a source address, may make in a minute before 429; 0 is off.
	AuthFailuresPerMinute int `env:"BV_AUTH_FAILURES_PER_MINUTE"`
	// TenantProviders, when set, lists the providers each client_id may
	// upload to (client_id:provider+provider,...); unset, every client may
	// use every provider.
	TenantProviders TenantProviders `env:"BV_TENANT_PROVIDERS"`
	// APIRate is each tenant's API requests/s across every serve process;
	// 0 is unlimited. APIBurst is how many may come at once.
	APIRate  float64 `env:"BV_API_RATE"`
	APIBurst int     `env:"BV_API_BURST"`
	// WebhookSecrets maps client_id to its whsec_ signing secret; a
	// client without one cannot set a callback_url.
	WebhookSecrets     map[string]string `env:"BV_WEBHOOK_SECRETS" secret:"values"`
	WebhookMaxAttempts int               `env:"BV_WEBHOOK_MAX_ATTEMPTS"`
	// WebhookBackoff is the first retry's delay; each next one is 4 times
	// longer, up to 1440 times.
	WebhookBackoff time.Duration `env:"BV_WEBHOOK_BACKOFF"`
	// WebhookProgressInterval spaces batch.progress events; 0 sends none.
	WebhookProgressInterval time.Duration `env:"BV_WEBHOOK_PROGRESS_INTERVAL"`

	// Storage at rest (issue 18)
	// S3SSE is the server-side encryption of every object written:
	// AES256 (the store's keys), aws:kms or off (a store without it).
	S3SSE string `env:"BV_S3_SSE"`
	// S3SSEKMSKeyID names the KMS key of aws:kms; empty for the store's
	// default key.
	S3SSEKMSKeyID string `env:"BV_S3_SSE_KMS_KEY_ID"`
	// KeyRotationInterval is how often each worker re-wraps the data keys
	// of live batches under BV_DATA_KEY (and counts those it cannot).
	KeyRotationInterval time.Duration `env:"BV_KEY_ROTATION_INTERVAL"`

	// Deployment checks (issue 18)
	// PprofAllowRemote lets BV_PPROF_ADDR be a non-loopback address.
	PprofAllowRemote bool `env:"BV_PPROF_ALLOW_REMOTE"`
	// MetricsApart is set when BV_METRICS_ADDR names an address (not
	// off): serve then serves /metrics there instead of on the API.
	MetricsApart bool
}

// ProviderConfig is one provider's settings: BV_<NAME>_BASE_URL, _RATE,
// _BURST and its own variables.
type ProviderConfig struct {
	provider.Provider
	provider.Settings
	// Rate is the global requests/s across all workers; 0 is unlimited.
	Rate float64
	// Burst is the global limit's bucket size; 0 is a tenth of a second's
	// worth.
	Burst int
}

// Enabled reports whether the provider has a base URL.
func (p ProviderConfig) Enabled() bool { return p.BaseURL != "" }

// MaxUploadBytes is the largest accepted upload.
func (c Config) MaxUploadBytes() int64 { return int64(c.MaxUploadMB) << 20 }

// Provider returns the settings of the provider named name.
func (c Config) Provider(name string) (ProviderConfig, bool) {
	for _, p := range c.Providers {
		if p.Name == name {
			return p, true
		}
	}
	return ProviderConfig{}, false
}

// Load reads the configuration of the program and of providers through
// getenv and validates it, reporting every problem at once.
func Load(getenv func(string) string, providers []provider.Provider) (Config, error) {
	l := loader{getenv: getenv}
	c := l.base()
	l.limits(&c, providers)
	l.atRest(&c)
	for _, p := range providers {
		c.Providers = append(c.Providers, l.provider(p))
	}
	l.check(c)
	return c, l.err()
}

// base reads the settings every command shares, with their defaults.
func (l *loader) base() Config {
	return Config{
		HTTPAddr:             l.str("BV_HTTP_ADDR", ":8080"),
		MetricsAddr:          l.str("BV_METRICS_ADDR", ":9091"),
		PprofAddr:            l.str("BV_PPROF_ADDR", ""),
		RedisURL:             l.str("BV_REDIS_URL", ""),
		RedisMode:            l.str("BV_REDIS_MODE", "single"),
		S3Endpoint:           l.str("BV_S3_ENDPOINT", ""),
		S3Bucket:             l.str("BV_S3_BUCKET", "bulkverify"),
		S3Region:             l.str("BV_S3_REGION", "us-east-1"),
		S3PathStyle:          l.boolean("BV_S3_PATH_STYLE", true),
		S3AccessKeyID:        l.str("BV_S3_ACCESS_KEY_ID", ""),
		S3SecretAccessKey:    l.str("BV_S3_SECRET_ACCESS_KEY", ""),
		Clients:              l.clients("BV_CLIENTS"),
		Operators:            l.list("BV_OPERATORS"),
		JWTSecret:            l.str("BV_JWT_SECRET", ""),
		JWTTTL:               l.duration("BV_JWT_TTL", time.Hour),
		ChunkSize:            l.integer("BV_CHUNK_SIZE", 100, 1, 100000),
		MaxChunks:            l.integer("BV_MAX_CHUNKS", 2000, 1, 1000000),
		BatchWindow:          l.integer("BV_BATCH_WINDOW", 16, 1, 100000),
		TenantWeights:        l.weights("BV_TENANT_WEIGHTS"),
		MaxThrottled:         l.integer("BV_MAX_THROTTLED", 5, 1, 1000),
		MaxRequeues:          l.integer("BV_MAX_REQUEUES", 6, 0, 1000),
		ChunkSlice:           l.durationOrOff("BV_CHUNK_SLICE", time.Second),
		SweepInterval:        l.duration("BV_SWEEP_INTERVAL", 5*time.Second),
		ShutdownTimeout:      l.duration("BV_SHUTDOWN_TIMEOUT", 10*time.Second),
		UpstreamHedgeAfter:   l.durationOrOff("BV_UPSTREAM_HEDGE_AFTER", time.Second),
		MaxUploadMB:          l.integer("BV_MAX_UPLOAD_MB", 512, 1, 1<<20),
		WorkerConcurrency:    l.integer("BV_WORKER_CONCURRENCY", 10, 1, 10000),
		RowConcurrency:       l.integer("BV_ROW_CONCURRENCY", 8, 1, 1000),
		MaxAttempts:          l.integer("BV_MAX_ATTEMPTS", 8, 1, 100),
		PresignTTL:           l.duration("BV_PRESIGN_TTL", 15*time.Minute),
		UpstreamTimeout:      l.duration("BV_UPSTREAM_TIMEOUT", 30*time.Second),
		LogLevel:             l.str("BV_LOG_LEVEL", "info"),
		LogFormat:            l.str("BV_LOG_FORMAT", "text"),
		CancelCheckInterval:  l.duration("BV_CANCEL_CHECK_INTERVAL", time.Second),
		TaskCheckInterval:    l.duration("BV_TASK_CHECK_INTERVAL", 25*time.Millisecond),
		WebhookAllowHosts:    l.list("BV_WEBHOOK_ALLOW_HOSTS"),
		DataKey:              l.str("BV_DATA_KEY", ""),
		DataKeyPrevious:      l.str("BV_DATA_KEY_PREVIOUS", ""),
		Retention:            l.duration("BV_RETENTION", 168*time.Hour),
		StaleUploadAge:       l.duration("BV_STALE_UPLOAD_AGE", time.Hour),
		UploadIdleTimeout:    l.duration("BV_UPLOAD_IDLE_TIMEOUT", 30*time.Second),
		MaxConcurrentUploads: l.integer("BV_MAX_CONCURRENT_UPLOADS", 8, 1, 10000),
		APIRate:              l.float("BV_API_RATE", 500),
		APIBurst:             l.integer("BV_API_BURST", 1000, 1, 1000000),
		WebhookSecrets:       l.webhookSecrets("BV_WEBHOOK_SECRETS"),
		WebhookMaxAttempts:   l.integer("BV_WEBHOOK_MAX_ATTEMPTS", 8, 1, 100),
		WebhookBackoff:       l.duration("BV_WEBHOOK_BACKOFF", 30*time.Second),
		// 0 turns progress events off.
		WebhookProgressInterval: l.durationOrZero("BV_WEBHOOK_PROGRESS_INTERVAL", 30*time.Second),
	}
}

// limits reads the limits of issue 18: crashes, deployment checks,
// tenancy, authentication and intake.
func (l *loader) limits(c *Config, providers []provider.Provider) {
	// Crash containment (issue 18)
	c.MaxChunkCrashes = l.integer("BV_MAX_CHUNK_CRASHES", 3, 1, 100)
	// Deployment checks (issue 18)
	c.PprofAllowRemote = l.boolean("BV_PPROF_ALLOW_REMOTE", false)
	c.MetricsApart = l.str("BV_METRICS_ADDR", "off") != "off"
	// Tenancy and authentication limits (issue 18)
	c.UploadMinBytesPerSecond = l.integer("BV_UPLOAD_MIN_BYTES_PER_SECOND", 16384, 0, 1<<30)
	c.BodyReadTimeout = l.duration("BV_BODY_READ_TIMEOUT", 10*time.Second)
	c.AuthFailuresPerMinute = l.integer("BV_AUTH_FAILURES_PER_MINUTE", 10, 0, 1000000)
	c.TenantProviders = l.tenantProviders("BV_TENANT_PROVIDERS", providers, c.Clients)
	// Intake limits (issue 18)
	c.MaxColumns = l.integer("BV_MAX_COLUMNS", 256, 2, 32768)
	c.MaxLineBytes = l.integer("BV_MAX_LINE_BYTES", 64<<10, 1024, 64<<20)
	c.MaxRows = l.integer("BV_MAX_ROWS", 5_000_000, 1, 100_000_000)
}

// atRest reads how stored data is protected: server-side encryption, key
// rotation and the service keys.
func (l *loader) atRest(c *Config) {
	// Storage at rest (issue 18)
	c.S3SSE = l.str("BV_S3_SSE", string(storage.SSEAES256))
	c.S3SSEKMSKeyID = l.str("BV_S3_SSE_KMS_KEY_ID", "")
	c.KeyRotationInterval = l.duration("BV_KEY_ROTATION_INTERVAL", 10*time.Minute)
	if _, err := storage.ParseEncryption(c.S3SSE, c.S3SSEKMSKeyID); err != nil {
		l.fail("%v", err)
	}
	for _, k := range []struct{ name, val string }{{"BV_DATA_KEY", c.DataKey}, {"BV_DATA_KEY_PREVIOUS", c.DataKeyPrevious}} {
		if k.val != "" {
			if _, err := envelope.ParseKey(k.val); err != nil {
				l.fail("%s: %v", k.name, err)
			}
		}
	}
}

// check reports settings that are each valid but do not fit together, or
// that name no known mode.
func (l *loader) check(c Config) {
	if (c.S3AccessKeyID == "") != (c.S3SecretAccessKey == "") {
		l.fail("BV_S3_ACCESS_KEY_ID and BV_S3_SECRET_ACCESS_KEY go together: set both, or neither to use the AWS credential chain")
	}
	if r := c.RedisURL; r != "" {
		if _, err := url.Parse(r); err != nil {
			l.fail("BV_REDIS_URL is not a valid URL: percent-encode special characters (%%, /, #, @) in the password")
		} else if !strings.HasPrefix(r, "redis://") && !strings.HasPrefix(r, "rediss://") {
			l.fail("BV_REDIS_URL=%s: want redis://[user:pass@]host:port/db or rediss://...", redactURL(r))
		}
	}
	switch c.RedisMode {
	case "single", "cluster", "sentinel":
	default:
		l.fail("BV_REDIS_MODE=%q: want single, cluster or sentinel", c.RedisMode)
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		l.fail("BV_LOG_FORMAT=%q: want text or json", c.LogFormat)
	}
	switch strings.ToLower(c.LogLevel) {
	case "debug", "info", "warn", "error":
	default:
		l.fail("BV_LOG_LEVEL=%q: want debug, info, warn or error", c.LogLevel)
	}
}

// provider reads one provider's variables.
func (l *loader) provider(p provider.Provider) ProviderConfig {
	pre := p.EnvPrefix()
	pc := ProviderConfig{
		Provider: p,
		Settings: provider.Settings{BaseURL: l.url(pre + "BASE_URL"), Values: map[string]string{}},
		Rate:     l.float(pre+"RATE", 50),
		Burst:    l.integer(pre+"BURST", 0, 0, 1000000),
	}
	for _, v := range p.Vars {
		pc.Values[v.Name] = l.str(p.VarEnv(v), v.Default)
	}
	return pc
}

// S3Encryption returns the server-side encryption of BV_S3_SSE and
// BV_S3_SSE_KMS_KEY_ID (Load has checked them).
func (c Config) S3Encryption() storage.Encryption {
	e, _ := storage.ParseEncryption(c.S3SSE, c.S3SSEKMSKeyID)
	return e
}

// Keyring returns the keyring of BV_DATA_KEY and BV_DATA_KEY_PREVIOUS.
func (c Config) Keyring() (*envelope.Keyring, error) {
	if c.DataKey == "" {
		return nil, errors.New("BV_DATA_KEY is not set: the stored inputs hold row credentials and are encrypted under it; set it to 32 random bytes in Base64 (openssl rand -base64 32), the same on every serve and work, and keep it secret")
	}
	cur, err := envelope.ParseKey(c.DataKey)
	if err != nil {
		return nil, fmt.Errorf("BV_DATA_KEY: %w", err)
	}
	var prev []byte
	if c.DataKeyPrevious != "" {
		if prev, err = envelope.ParseKey(c.DataKeyPrevious); err != nil {
			return nil, fmt.Errorf("BV_DATA_KEY_PREVIOUS: %w", err)
		}
	}
	return envelope.NewKeyring(cur, prev)
}

// NeedRedis reports a problem if no Redis is configured; serve and work need
// one, dev embeds one.
func (c Config) NeedRedis() error {
	if c.RedisURL == "" {
		return errors.New("BV_REDIS_URL is not set: point it at your Redis (redis://host:6379/0), or run `bulkverify dev` to use an embedded one")
	}
	return nil
}

// Dump returns the configuration as sorted key=value lines with every secret
// redacted, for logging at start. It walks the struct's env tags and the
// providers' variables, so a new setting is in it without more code.
func (c Config) Dump() []string {
	var out []string
	v := reflect.ValueOf(c)
	for i, f := range reflect.VisibleFields(v.Type()) {
		name := f.Tag.Get("env")
		if name == "" || len(f.Index) > 1 {
			continue
		}
		out = append(out, name+"="+dumpValue(v.Field(i), f.Tag.Get("secret")))
	}
	for _, p := range c.Providers {
		pre := p.EnvPrefix()
		out = append(out, pre+"BASE_URL="+p.BaseURL,
			pre+"RATE="+strconv.FormatFloat(p.Rate, 'f', -1, 64), pre+"BURST="+strconv.Itoa(p.Burst))
		for _, vr := range p.Vars {
			val := p.Get(vr.Name)
			if vr.Secret && val != "" {
				val = "<redacted>"
			}
			out = append(out, p.VarEnv(vr)+"="+val)
		}
	}
	sort.Strings(out)
	return out
}

// dumpValue renders one field; secret is "true" (redact whole), "url"
// (redact the password) or "values" (a map: keys only).
func dumpValue(v reflect.Value, secret string) string {
	switch secret {
	case "true":
		if v.String() != "" {
			return "<redacted>"
		}
		return ""
	case "url":
		if v.String() == "" {
			return ""
		}
		return redactURL(v.String())
	}
	switch x := v.Interface().(type) {
	case []string:
		return strings.Join(x, ",")
	case time.Duration:
		return x.String()
	case map[string]string:
		keys := slices.Sorted(maps.Keys(x))
		if secret == "values" {
			for i := range keys {
				keys[i] += ":<redacted>"
			}
			return strings.Join(keys, ",")
		}
		for i, k := range keys {
			keys[i] = k + ":" + x[k]
		}
		return strings.Join(keys, ",")
	case map[string]int:
		keys := slices.Sorted(maps.Keys(x))
		for i, k := range keys {
			keys[i] = k + ":" + strconv.Itoa(x[k])
		}
		return strings.Join(keys, ",")
	}
	return fmt.Sprint(v.Interface())
}

// ClientIDs returns the configured client ids, sorted.
func (c Config) ClientIDs() []string {
	ids := make([]string, 0, len(c.Clients))
	for id := range c.Clients {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "<not a URL, redacted>"
	}
	if u.User == nil {
		return s
	}
	u.User = url.UserPassword(u.User.Username(), "redacted")
	return u.String()
}

type loader struct {
	getenv   func(string) string
	problems []string
}

func (l *loader) fail(format string, args ...any) {
	l.problems = append(l.problems, fmt.Sprintf(format, args...))
}

func (l *loader) err() error {
	if len(l.problems) == 0 {
		return nil
	}
	return fmt.Errorf("invalid configuration:\n  %s", strings.Join(l.problems, "\n  "))
}

func (l *loader) str(key, def string) string {
	if v := strings.TrimSpace(l.getenv(key)); v != "" {
		return v
	}
	return def
}

func (l *loader) integer(key string, def, min, max int) int {
	v := l.str(key, "")
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < min || n > max {
		l.fail("%s=%q: want a whole number from %d to %d", key, v, min, max)
		return def
	}
	return n
}

func (l *loader) float(key string, def float64) float64 {
	v := l.str(key, "")
	if v == "" {
		return def
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 {
		l.fail("%s=%q: want a number of requests per second, 0 or more (0 = unlimited)", key, v)
		return def
	}
	return f
}

func (l *loader) boolean(key string, def bool) bool {
	v := l.str(key, "")
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		l.fail("%s=%q: want true or false", key, v)
		return def
	}
	return b
}

func (l *loader) duration(key string, def time.Duration) time.Duration {
	v := l.str(key, "")
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		l.fail("%s=%q: want a positive duration such as 30s or 15m", key, v)
		return def
	}
	return d
}

// durationOrZero is duration that also takes 0 (off).
func (l *loader) durationOrZero(key string, def time.Duration) time.Duration {
	if v := l.str(key, ""); v == "0" {
		return 0
	}
	return l.duration(key, def)
}

func (l *loader) url(key string) string {
	v := strings.TrimRight(l.str(key, ""), "/")
	if v == "" {
		return ""
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		l.fail("%s=%q: want an http(s) URL such as https://api.example.com", key, v)
		return ""
	}
	return v
}

func (l *loader) list(key string) []string {
	var out []string
	for _, item := range strings.Split(l.str(key, ""), ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

func (l *loader) weights(key string) map[string]int {
	m := map[string]int{}
	v := l.str(key, "")
	if v == "" {
		return m
	}
	for i, pair := range strings.Split(v, ",") {
		id, w, ok := strings.Cut(strings.TrimSpace(pair), ":")
		n, err := strconv.Atoi(w)
		if !ok || id == "" || err != nil || n < 1 || n > 1000 {
			l.fail("%s: entry %d is not client_id:weight with a weight from 1 to 1000", key, i+1)
			continue
		}
		m[id] = n
	}
	return m
}

func (l *loader) clients(key string) map[string]string {
	v := l.str(key, "")
	m := map[string]string{}
	if v == "" {
		return m
	}
	for i, pair := range strings.Split(v, ",") {
		id, secret, ok := strings.Cut(strings.TrimSpace(pair), ":")
		if !ok || id == "" || secret == "" {
			l.fail("%s: entry %d is not client_id:client_secret", key, i+1)
			continue
		}
		if _, dup := m[id]; dup {
			l.fail("%s: client_id %q appears twice", key, id)
		}
		m[id] = secret
	}
	return m
}

// webhookSecrets reads client_id:whsec_<Base64> pairs. Its problems
// never quote a secret.
func (l *loader) webhookSecrets(key string) map[string]string {
	m := map[string]string{}
	v := l.str(key, "")
	if v == "" {
		return m
	}
	for i, pair := range strings.Split(v, ",") {
		id, secret, ok := strings.Cut(strings.TrimSpace(pair), ":")
		if !ok || id == "" {
			l.fail("%s: entry %d is not client_id:whsec_...", key, i+1)
			continue
		}
		enc, ok := strings.CutPrefix(secret, "whsec_")
		raw, err := base64.StdEncoding.DecodeString(enc)
		if !ok || err != nil || len(raw) < 24 {
			l.fail("%s: the secret of client %q is not whsec_ followed by the standard Base64 of at least 24 bytes (make one: echo whsec_$(openssl rand -base64 32))", key, id)
			continue
		}
		if _, dup := m[id]; dup {
			l.fail("%s: client_id %q appears twice", key, id)
		}
		m[id] = secret
	}
	return m
}

// durationOrOff reads a duration, or "off" (or 0) for none.
func (l *loader) durationOrOff(key string, def time.Duration) time.Duration {
	switch v := l.str(key, ""); v {
	case "":
		return def
	case "off", "0":
		return 0
	}
	return l.duration(key, def)
}
