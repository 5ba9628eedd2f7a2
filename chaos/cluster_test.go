//go:build chaos

package chaos

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/bulkverify/bulkverify/internal/proctest"
	"github.com/bulkverify/bulkverify/storage"
)

// The global limit, the cluster's shape and its credentials.
const (
	globalRate  = 200 // BV_DIGILOCKER_RATE, and the simulator's own limit
	workerCount = 3
	clientID    = "chaos"
	apiKey      = "chaos-secret"
	dlSecret    = "chaos-digilocker-secret"
	s3User      = "chaosadmin"
	s3Password  = "chaos-secret-key"
	bucket      = "bulkverify"
)

// cluster is one run of the whole system on loopback: redis-server with
// AOF, MinIO, the simulators, one API and three workers, each a process
// of its own.
type cluster struct {
	t       *testing.T
	redis   *proc
	redisOK func() bool
	rdb     redis.UniversalClient // the harness's own client, for INFO and DBSIZE
	// sentinels, in a Sentinel topology, follows its failovers.
	sentinels *sentinels
	minio     *proc
	minioOK   func() bool
	serve     *proc
	workers   []*proc
	env       []string
	api       string
	sim       string
	// batch is the batch under test; finalizer, in the finalizer
	// scenario, what killFinalizer did to its finalizer.
	batch     string
	finalizer *finalizerKill

	// redisCluster, in a Redis Cluster topology, is its nodes and what
	// happened to them.
	redisCluster *redisCluster
}

// layout is what a scenario changes in the cluster: the simulators' faults,
// settings added to serve's and work's environment, the number of workers,
// whether each process serves its own metrics, and the Redis topology.
type layout struct {
	simArgs []string
	env     func(sim string) []string // given the simulators' URL
	workers int
	metrics bool
	// redis starts Redis and adds BV_REDIS_URL (and BV_REDIS_MODE) to
	// c.env; nil is one redis-server with AOF (startRedis).
	redis func(c *cluster)
}

// minioBinary finds the minio server: BV_CHAOS_MINIO, the PATH, or
// GOPATH/bin where `make chaos` installs it.
func minioBinary(t *testing.T) string {
	p := proctest.MinIO("BV_CHAOS_MINIO")
	if p == "" {
		t.Fatal("minio is not installed: run `make chaos`, which builds it with go install, or set BV_CHAOS_MINIO")
	}
	return p
}

func startCluster(t *testing.T, simArgs []string) *cluster {
	return startLayout(t, layout{simArgs: simArgs})
}

func startLayout(t *testing.T, l layout) *cluster {
	c := &cluster{t: t}
	if l.redis == nil {
		l.redis = (*cluster).startRedis
	}
	if l.workers == 0 {
		l.workers = workerCount
	}
	l.redis(c)
	c.startMinIO()
	bin := proctest.Binary(t, "BV_CHAOS_BIN", "../bin/bulkverify")
	_, sim := startProc(t, "simulate", bin, append([]string{"simulate", "--addr", "127.0.0.1:0",
		"--rate-limit", strconv.Itoa(globalRate)}, l.simArgs...),
		[]string{"BV_DIGILOCKER_CLIENT_SECRET=" + dlSecret}, "simulators: ")
	c.sim = sim
	c.env = append(c.env,
		"BV_HTTP_ADDR=127.0.0.1:0",
		"BV_METRICS_ADDR=off",
		"BV_LOG_LEVEL=warn",
		"BV_CLIENTS="+clientID+":"+apiKey,
		"BV_DATA_KEY="+base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32)),
		"BV_DIGILOCKER_BASE_URL="+sim+"/digilocker",
		"BV_DIGILOCKER_CLIENT_SECRET="+dlSecret,
		"BV_DIGILOCKER_RATE="+strconv.Itoa(globalRate),
		// Every row must end with the code its account calls for, though
		// a quarter of the attempts of a plain row meet an injected fault
		// in the fault scenarios: 8 attempts make a row that fails them
		// all (0.24^8 ≈ 1e-5) unlikely in 20,000.
		"BV_MAX_ATTEMPTS=8",
	)
	// The layout's settings come last: of two values of a variable, the
	// process gets the last.
	if l.env != nil {
		c.env = append(c.env, l.env(sim)...)
	}
	var line string
	c.serve, line = startProc(t, "serve", bin, []string{"serve"}, c.withMetrics(l.metrics), "api: ")
	c.api = line
	for i := range l.workers {
		p, _ := startProc(t, fmt.Sprintf("work-%d", i+1), bin, []string{"work"}, c.withMetrics(l.metrics), "")
		c.workers = append(c.workers, p)
	}
	return c
}

// withMetrics is c.env with, when on, a metrics listener on a free port of
// its own (kept across restarts, as the process's command line is).
func (c *cluster) withMetrics(on bool) []string {
	if !on {
		return c.env
	}
	addr := fmt.Sprintf("127.0.0.1:%d", proctest.FreePort(c.t))
	return append(append([]string{}, c.env...), "BV_METRICS_ADDR="+addr)
}

// startRedis runs redis-server on a free port with AOF (fsync every
// second) and noeviction, as production should.
func (c *cluster) startRedis() {
	t := c.t
	port := proctest.FreePort(t)
	dir := t.TempDir()
	c.redis, _ = startProc(t, "redis", "redis-server", []string{
		"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", dir,
		"--appendonly", "yes", "--appendfsync", "everysec", "--save", "",
		"--maxmemory-policy", "noeviction", "--protected-mode", "no",
	}, nil, "")
	url := fmt.Sprintf("redis://127.0.0.1:%d/0", port)
	rdb := redis.NewClient(&redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", port), MaxRetries: -1})
	t.Cleanup(func() { rdb.Close() })
	c.rdb = rdb
	c.redisOK = func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		return rdb.Ping(ctx).Err() == nil
	}
	if !waitFor(20*time.Second, c.redisOK) {
		t.Fatal("redis-server did not answer within 20 s")
	}
	c.env = append(c.env, "BV_REDIS_URL="+url)
}

// startMinIO runs a MinIO server on a free port and creates the bucket.
func (c *cluster) startMinIO() {
	t := c.t
	port := proctest.FreePort(t)
	endpoint := fmt.Sprintf("http://127.0.0.1:%d", port)
	c.minio, _ = startProc(t, "minio", minioBinary(t), []string{"server", t.TempDir(),
		"--address", fmt.Sprintf("127.0.0.1:%d", port), "--console-address", fmt.Sprintf("127.0.0.1:%d", proctest.FreePort(t)), "--quiet"},
		[]string{"MINIO_ROOT_USER=" + s3User, "MINIO_ROOT_PASSWORD=" + s3Password, "MINIO_BROWSER=off", "MINIO_UPDATE=off",
			// A KMS key, so that the program's default BV_S3_SSE=AES256 is
			// taken, as in production.
			"MINIO_KMS_SECRET_KEY=bulkverify-chaos:7ys3G0D+zHCI1FPl2O52lv3YsNxFug0wxPs1DCAeU/Y="}, "")
	c.minioOK = func() bool {
		resp, err := http.Get(endpoint + "/minio/health/ready")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}
	if !waitFor(60*time.Second, c.minioOK) {
		t.Fatalf("MinIO was not ready within 60 s; its log is %s", c.minio.logPath)
	}
	ctx := context.Background()
	s3c, err := storage.NewS3Client(ctx, storage.S3Options{Endpoint: endpoint, Region: "us-east-1", PathStyle: true, StaticKey: s3User, StaticSecret: s3Password})
	if err != nil {
		t.Fatal(err)
	}
	if err := storage.NewBucket(s3c, bucket).EnsureBucket(ctx, true); err != nil {
		t.Fatalf("create bucket: %v", err)
	}
	c.env = append(c.env, "BV_S3_ENDPOINT="+endpoint, "BV_S3_BUCKET="+bucket,
		"BV_S3_ACCESS_KEY_ID="+s3User, "BV_S3_SECRET_ACCESS_KEY="+s3Password)
}
