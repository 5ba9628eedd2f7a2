// Package miniotest gives tests a real MinIO server with its KMS
// configured, on a free loopback port, so that server-side encryption and
// versioning are tested against a store that implements them.
package miniotest

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/bulkverify/bulkverify/internal/proctest"
	"github.com/bulkverify/bulkverify/storage"
)

// Credentials of every server this package starts.
const (
	Key    = "miniotest"
	Secret = "miniotest-secret"
	// KMSKey names the static key of MinIO's KMS (MINIO_KMS_SECRET_KEY),
	// the one an aws:kms object is sealed under.
	KMSKey = "bulkverify-test-key"
)

// Server is a MinIO server a test started.
type Server struct {
	// Endpoint is its http:// URL.
	Endpoint string
	// Client is an S3 client of it, with Key and Secret.
	Client *s3.Client
}

// Start runs a MinIO server, with a static KMS key named KMSKey, until
// the test ends. The binary is the one BV_TEST_MINIO names, minio on the
// PATH or $GOPATH/bin/minio (scripts/ensure-minio.sh builds it); without
// one the test is skipped, saying so. It is skipped by -short too.
func Start(t testing.TB) *Server {
	t.Helper()
	return start(t, true)
}

// StartWithoutKMS is Start with no KMS: the server refuses server-side
// encryption.
func StartWithoutKMS(t testing.TB) *Server {
	t.Helper()
	return start(t, false)
}

func start(t testing.TB, kms bool) *Server {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test on a real MinIO: skipped by -short")
	}
	bin := proctest.MinIO("BV_TEST_MINIO")
	if bin == "" {
		t.Skip("MinIO not found: this test needs a real MinIO for server-side encryption and versioning; run scripts/ensure-minio.sh (builds it into $GOPATH/bin with go install, a few minutes once) or set BV_TEST_MINIO to a minio binary")
	}
	env := map[string]string{"MINIO_ROOT_USER": Key, "MINIO_ROOT_PASSWORD": Secret, "MINIO_BROWSER": "off", "MINIO_UPDATE": "off"}
	if kms {
		secret := make([]byte, 32)
		rand.Read(secret)
		env["MINIO_KMS_SECRET_KEY"] = KMSKey + ":" + base64.StdEncoding.EncodeToString(secret)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", proctest.FreePort(t))
	proctest.Start(t, "minio", bin, []string{"server", t.TempDir(), "--address", addr,
		"--console-address", fmt.Sprintf("127.0.0.1:%d", proctest.FreePort(t)), "--quiet"}, env, "")
	s := &Server{Endpoint: "http://" + addr}
	waitReady(t, s.Endpoint)
	client, err := storage.NewS3Client(context.Background(), storage.S3Options{
		Endpoint: s.Endpoint, Region: "us-east-1", PathStyle: true, StaticKey: Key, StaticSecret: Secret,
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Client = client
	return s
}

// waitReady waits up to a minute for MinIO's readiness probe.
func waitReady(t testing.TB, endpoint string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(endpoint + "/minio/health/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("MinIO at %s was not ready within 60 s (last: %v)", endpoint, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Bucket creates bucket, with versioning on when versioned is set.
func (s *Server) Bucket(t testing.TB, bucket string, versioned bool) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.Client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket}); err != nil {
		t.Fatalf("create bucket %s: %v", bucket, err)
	}
	if !versioned {
		return
	}
	_, err := s.Client.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{
		Bucket:                  &bucket,
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled},
	})
	if err != nil {
		t.Fatalf("turn versioning on in bucket %s: %v", bucket, err)
	}
}

// Versions returns every version and delete marker under prefix in
// bucket, as "key@version" strings.
func (s *Server) Versions(t testing.TB, bucket, prefix string) []string {
	t.Helper()
	var out []string
	p := s3.NewListObjectVersionsPaginator(s.Client, &s3.ListObjectVersionsInput{Bucket: &bucket, Prefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("list versions under %s: %v", prefix, err)
		}
		for _, v := range page.Versions {
			out = append(out, aws.ToString(v.Key)+"@"+aws.ToString(v.VersionId))
		}
		for _, m := range page.DeleteMarkers {
			out = append(out, aws.ToString(m.Key)+"@"+aws.ToString(m.VersionId)+" (delete marker)")
		}
	}
	return out
}
