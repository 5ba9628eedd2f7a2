//go:build bench

package perf

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/bulkverify/bulkverify/internal/proctest"
	"github.com/bulkverify/bulkverify/storage"
)

const (
	s3Key    = "benchbench"
	s3Secret = "bench-secret-key"
	bucket   = "bulkverify"
)

// s3Server is the object store of a run and a description of it.
type s3Server struct {
	url  string
	kind string
}

// startS3 starts MinIO on a free port, or, without MinIO, the embedded
// gofakes3 served over HTTP in this process.
func startS3(t *testing.T) s3Server {
	var s s3Server
	if bin := proctest.MinIO("BV_BENCH_MINIO"); bin != "" {
		port, console := proctest.FreePort(t), proctest.FreePort(t)
		addr := "127.0.0.1:" + strconv.Itoa(port)
		proctest.Start(t, "minio", bin, []string{"server", t.TempDir(), "--address", addr, "--console-address", "127.0.0.1:" + strconv.Itoa(console), "--quiet"},
			map[string]string{"MINIO_ROOT_USER": s3Key, "MINIO_ROOT_PASSWORD": s3Secret, "MINIO_BROWSER": "off",
				// A KMS key: the program writes with BV_S3_SSE=AES256, as in production.
				"MINIO_KMS_SECRET_KEY": "bulkverify-bench:7ys3G0D+zHCI1FPl2O52lv3YsNxFug0wxPs1DCAeU/Y="}, "")
		s = s3Server{url: "http://" + addr, kind: "MinIO (separate process, local disk)"}
	} else {
		srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
		t.Cleanup(srv.Close)
		s = s3Server{url: srv.URL, kind: "gofakes3 in memory, over HTTP in the harness process (no MinIO found)"}
	}
	client, err := storage.NewS3Client(context.Background(), storage.S3Options{Endpoint: s.url, Region: "us-east-1", PathStyle: true, StaticKey: s3Key, StaticSecret: s3Secret})
	if err != nil {
		t.Fatal(err)
	}
	store := storage.NewBucket(client, bucket)
	deadline := time.Now().Add(60 * time.Second)
	for {
		err := store.EnsureBucket(context.Background(), true)
		if err == nil {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("S3 at %s: %v", s.url, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// delayProxy forwards to an S3 server, holding every request for delay
// first: the round trip of a real S3 region.
type delayProxy struct {
	url   string
	delay atomic.Int64 // nanoseconds
	count atomic.Int64
}

func startDelayProxy(t *testing.T, target string) *delayProxy {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.Transport = &http.Transport{MaxIdleConns: 512, MaxIdleConnsPerHost: 512, IdleConnTimeout: time.Minute}
	p := &delayProxy{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.count.Add(1)
		if d := time.Duration(p.delay.Load()); d > 0 {
			time.Sleep(d)
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	p.url = srv.URL
	return p
}
