package main

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/bulkverify/bulkverify/internal/miniotest"
	"github.com/bulkverify/bulkverify/internal/redistest"
)

// A batch run by the real program on MinIO with its KMS and a versioned
// bucket: every object it leaves (sealed input, parts, output.csv,
// errors.csv) is encrypted with the KMS key BV_S3_SSE_KMS_KEY_ID names,
// the outputs still download through their presigned URLs, the key
// rotation gauge is exposed, and DELETE leaves no version of any file
// behind.
func TestOutputsAreEncryptedAtRestAndErasedInEveryVersion(t *testing.T) {
	t.Parallel()
	m := miniotest.Start(t)
	m.Bucket(t, "bulkverify", true)
	api := startProgram(t, []string{"dev"}, map[string]string{
		"BV_REDIS_URL":            redistest.DB(t),
		"BV_HTTP_ADDR":            "127.0.0.1:0",
		"BV_LOG_LEVEL":            "warn",
		"BV_S3_ENDPOINT":          m.Endpoint,
		"BV_S3_ACCESS_KEY_ID":     miniotest.Key,
		"BV_S3_SECRET_ACCESS_KEY": miniotest.Secret,
		"BV_S3_SSE":               "aws:kms",
		"BV_S3_SSE_KMS_KEY_ID":    miniotest.KMSKey,
		"BV_DATA_KEY":             testDataKey,
		"BV_MAX_ATTEMPTS":         "3",
		"BV_DIGILOCKER_RATE":      "2000",
	})
	data, want, refs := digilockerBatch(300)
	id := accept(t)(uploadCSV(t, api, "demo", "digilocker", data, uploadOptions{}))
	st := waitCompleted(t, api, id, 2*time.Minute)
	checkOutputs(t, st, want, refs) // through the presigned URLs

	ctx := context.Background()
	prefix := "batches/" + id + "/"
	out, err := m.Client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("bulkverify"), Prefix: aws.String(prefix)})
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, o := range out.Contents {
		names[strings.TrimPrefix(*o.Key, prefix)] = true
		h, err := m.Client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("bulkverify"), Key: o.Key})
		if err != nil {
			t.Fatal(err)
		}
		if h.ServerSideEncryption != "aws:kms" || !strings.Contains(aws.ToString(h.SSEKMSKeyId), miniotest.KMSKey) {
			t.Errorf("%s: got server-side encryption %q with key %q, want aws:kms with %s", *o.Key, h.ServerSideEncryption, aws.ToString(h.SSEKMSKeyId), miniotest.KMSKey)
		}
	}
	for _, n := range []string{"input.csv", "output.csv", "errors.csv", "parts/00000000.csv", "parts/00000002.csv"} {
		if !names[n] {
			t.Errorf("the finished batch has no %s among %v", n, names)
		}
	}

	if _, metrics := getMetrics(t, api+"/metrics"); !strings.Contains(metrics, "\nbulkverify_batches_previous_key 0\n") {
		t.Error("/metrics has no bulkverify_batches_previous_key 0")
	}

	// A finalizer run twice writes output.csv twice: two versions.
	_, err = m.Client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bulkverify"), Key: aws.String(prefix + "output.csv"), Body: bytes.NewReader([]byte("again\n"))})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(m.Versions(t, "bulkverify", prefix)); n <= len(names) {
		t.Fatalf("before DELETE: %d versions for %d files, want more", n, len(names))
	}
	if code, env := call(t, api, "demo", http.MethodDelete, "/v1/verification/batch/"+id); code != http.StatusOK {
		t.Fatalf("DELETE: got HTTP %d %s (%s), want 200", code, env.SubCode, env.Message)
	}
	if left := m.Versions(t, "bulkverify", prefix); len(left) != 0 {
		t.Errorf("after DELETE, %d versions or delete markers are left: %v", len(left), left)
	}
}
