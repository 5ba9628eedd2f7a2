// Package config loads the service configuration from environment variables.
package config

import (
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Config is every setting of every command. Defaults live in Load.
type Config struct {
	HTTPAddr string
	// MetricsAddr is where `work` serves /metrics; "off" disables it.
	MetricsAddr string
	RedisURL    string
	// RedisMode is single, cluster or sentinel.
	RedisMode string

	S3Endpoint  string
	S3Bucket    string
	S3Region    string
	S3PathStyle bool
	// S3AccessKeyID and S3SecretAccessKey, when set, replace the standard
	// AWS credential chain.
	S3AccessKeyID     string
	S3SecretAccessKey string

	// Clients maps client_id to client_secret.
	Clients   map[string]string
	JWTSecret string
	JWTTTL    time.Duration

	DigiLockerBaseURL      string
	DigiLockerClientSecret string
	SilaBaseURL            string
	SilaAccessToken        string
	SilaAppHandle          string
	FlexFactorBaseURL      string
	FlexFactorClientID     string
	FlexFactorClientSecret string
	// FlexFactorDownloadHosts are the hosts downloadUrl may point at; empty
	// means the API host only.
	FlexFactorDownloadHosts []string

	// Rates are global upstream requests per second per provider; 0 means
	// unlimited.
	Rates map[string]float64
	// Bursts are the global limits' bucket sizes; 0 means a tenth of a
	// second's worth.
	Bursts map[string]int

	ChunkSize     int
	BatchWindow   int
	TenantWeights map[string]int
	MaxThrottled  int
	MaxRequeues   int
	SweepInterval time.Duration
	// ShutdownTimeout is how long a worker told to stop lets its chunks
	// run before it hands them back to the queue.
	ShutdownTimeout   time.Duration
	MaxUploadBytes    int64
	WorkerConcurrency int
	RowConcurrency    int
	MaxAttempts       int
	PresignTTL        time.Duration
	UpstreamTimeout   time.Duration
	// UpstreamHedgeAfter is the least wait before a hung idempotent
	// upstream request gets a second copy; 0 turns hedging off.
	UpstreamHedgeAfter time.Duration
	LogLevel           string
	// CancelCheckInterval is how often a worker checks whether the batches
	// it runs were cancelled.
	CancelCheckInterval time.Duration
	// WebhookAllowHosts may receive webhooks over http or at private
	// addresses (tests, private networks).
	WebhookAllowHosts []string
}

// Load reads the configuration through getenv and validates it, reporting
// every problem at once.
func Load(getenv func(string) string) (Config, error) {
	l := loader{getenv: getenv}
	c := Config{
		HTTPAddr:                l.str("BV_HTTP_ADDR", ":8080"),
		RedisURL:                l.str("BV_REDIS_URL", ""),
		RedisMode:               l.str("BV_REDIS_MODE", "single"),
		S3Endpoint:              l.str("BV_S3_ENDPOINT", ""),
		S3Bucket:                l.str("BV_S3_BUCKET", "bulkverify"),
		S3Region:                l.str("BV_S3_REGION", "us-east-1"),
		S3PathStyle:             l.boolean("BV_S3_PATH_STYLE", true),
		S3AccessKeyID:           l.str("BV_S3_ACCESS_KEY_ID", ""),
		S3SecretAccessKey:       l.str("BV_S3_SECRET_ACCESS_KEY", ""),
		Clients:                 l.clients("BV_CLIENTS"),
		JWTSecret:               l.str("BV_JWT_SECRET", ""),
		JWTTTL:                  l.duration("BV_JWT_TTL", time.Hour),
		DigiLockerBaseURL:       l.url("BV_DIGILOCKER_BASE_URL"),
		DigiLockerClientSecret:  l.str("BV_DIGILOCKER_CLIENT_SECRET", ""),
		SilaBaseURL:             l.url("BV_SILA_BASE_URL"),
		SilaAccessToken:         l.str("BV_SILA_ACCESS_TOKEN", ""),
		SilaAppHandle:           l.str("BV_SILA_APP_HANDLE", ""),
		FlexFactorBaseURL:       l.url("BV_FLEXFACTOR_BASE_URL"),
		FlexFactorClientID:      l.str("BV_FLEXFACTOR_CLIENT_ID", ""),
		FlexFactorClientSecret:  l.str("BV_FLEXFACTOR_CLIENT_SECRET", ""),
		FlexFactorDownloadHosts: l.list("BV_FLEXFACTOR_DOWNLOAD_HOSTS"),
		Rates: map[string]float64{
			"digilocker": l.float("BV_DIGILOCKER_RATE", 50),
			"sila":       l.float("BV_SILA_RATE", 50),
			"flexfactor": l.float("BV_FLEXFACTOR_RATE", 50),
		},
		Bursts: map[string]int{
			"digilocker": l.integer("BV_DIGILOCKER_BURST", 0, 0, 1000000),
			"sila":       l.integer("BV_SILA_BURST", 0, 0, 1000000),
			"flexfactor": l.integer("BV_FLEXFACTOR_BURST", 0, 0, 1000000),
		},
		ChunkSize:           l.integer("BV_CHUNK_SIZE", 100, 1, 100000),
		BatchWindow:         l.integer("BV_BATCH_WINDOW", 16, 1, 100000),
		TenantWeights:       l.weights("BV_TENANT_WEIGHTS"),
		MaxThrottled:        l.integer("BV_MAX_THROTTLED", 5, 1, 1000),
		MaxRequeues:         l.integer("BV_MAX_REQUEUES", 6, 0, 1000),
		SweepInterval:       l.duration("BV_SWEEP_INTERVAL", 5*time.Second),
		ShutdownTimeout:     l.duration("BV_SHUTDOWN_TIMEOUT", 10*time.Second),
		MaxUploadBytes:      int64(l.integer("BV_MAX_UPLOAD_MB", 512, 1, 1<<20)) << 20,
		WorkerConcurrency:   l.integer("BV_WORKER_CONCURRENCY", 10, 1, 10000),
		RowConcurrency:      l.integer("BV_ROW_CONCURRENCY", 8, 1, 1000),
		MaxAttempts:         l.integer("BV_MAX_ATTEMPTS", 4, 1, 100),
		PresignTTL:          l.duration("BV_PRESIGN_TTL", time.Hour),
		UpstreamTimeout:     l.duration("BV_UPSTREAM_TIMEOUT", 30*time.Second),
		UpstreamHedgeAfter:  l.durationOrOff("BV_UPSTREAM_HEDGE_AFTER", time.Second),
		LogLevel:            l.str("BV_LOG_LEVEL", "info"),
		CancelCheckInterval: l.duration("BV_CANCEL_CHECK_INTERVAL", time.Second),
		WebhookAllowHosts:   l.list("BV_WEBHOOK_ALLOW_HOSTS"),
	}
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
	switch strings.ToLower(c.LogLevel) {
	case "debug", "info", "warn", "error":
	default:
		l.fail("BV_LOG_LEVEL=%q: want debug, info, warn or error", c.LogLevel)
	}
	return c, l.err()
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
// redacted, for logging at start.
func (c Config) Dump() []string {
	kv := map[string]string{
		"BV_HTTP_ADDR":                 c.HTTPAddr,
		"BV_REDIS_URL":                 redactURL(c.RedisURL),
		"BV_REDIS_MODE":                c.RedisMode,
		"BV_S3_ENDPOINT":               c.S3Endpoint,
		"BV_S3_BUCKET":                 c.S3Bucket,
		"BV_S3_REGION":                 c.S3Region,
		"BV_S3_ACCESS_KEY_ID":          c.S3AccessKeyID,
		"BV_S3_SECRET_ACCESS_KEY":      redacted(c.S3SecretAccessKey != "", "<redacted>"),
		"BV_CLIENTS":                   strings.Join(c.ClientIDs(), ",") + redacted(len(c.Clients) > 0, ":<redacted>"),
		"BV_JWT_SECRET":                redacted(c.JWTSecret != "", "<redacted>"),
		"BV_DIGILOCKER_BASE_URL":       c.DigiLockerBaseURL,
		"BV_DIGILOCKER_CLIENT_SECRET":  redacted(c.DigiLockerClientSecret != "", "<redacted>"),
		"BV_SILA_BASE_URL":             c.SilaBaseURL,
		"BV_SILA_ACCESS_TOKEN":         redacted(c.SilaAccessToken != "", "<redacted>"),
		"BV_FLEXFACTOR_BASE_URL":       c.FlexFactorBaseURL,
		"BV_FLEXFACTOR_CLIENT_SECRET":  redacted(c.FlexFactorClientSecret != "", "<redacted>"),
		"BV_FLEXFACTOR_CLIENT_ID":      c.FlexFactorClientID,
		"BV_FLEXFACTOR_DOWNLOAD_HOSTS": strings.Join(c.FlexFactorDownloadHosts, ","),
		"BV_SILA_APP_HANDLE":           c.SilaAppHandle,
		"BV_CHUNK_SIZE":                strconv.Itoa(c.ChunkSize),
		"BV_WORKER_CONCURRENCY":        strconv.Itoa(c.WorkerConcurrency),
		"BV_ROW_CONCURRENCY":           strconv.Itoa(c.RowConcurrency),
		"BV_MAX_ATTEMPTS":              strconv.Itoa(c.MaxAttempts),
		"BV_UPSTREAM_TIMEOUT":          c.UpstreamTimeout.String(),
		"BV_UPSTREAM_HEDGE_AFTER":      c.UpstreamHedgeAfter.String(),
		"BV_MAX_THROTTLED":             strconv.Itoa(c.MaxThrottled),
		"BV_MAX_REQUEUES":              strconv.Itoa(c.MaxRequeues),
		"BV_BATCH_WINDOW":              strconv.Itoa(c.BatchWindow),
		"BV_CANCEL_CHECK_INTERVAL":     c.CancelCheckInterval.String(),
		"BV_SWEEP_INTERVAL":            c.SweepInterval.String(),
		"BV_SHUTDOWN_TIMEOUT":          c.ShutdownTimeout.String(),
		"BV_WEBHOOK_ALLOW_HOSTS":       strings.Join(c.WebhookAllowHosts, ","),
	}
	for p, r := range c.Rates {
		kv["BV_"+strings.ToUpper(p)+"_RATE"] = strconv.FormatFloat(r, 'f', -1, 64)
	}
	out := make([]string, 0, len(kv))
	for k, v := range kv {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
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

func redacted(set bool, s string) string {
	if set {
		return s
	}
	return ""
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
