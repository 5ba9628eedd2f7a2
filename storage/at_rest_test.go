package storage_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3afero"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/spf13/afero"

	"github.com/bulkverify/bulkverify/envelope"
	"github.com/bulkverify/bulkverify/internal/miniotest"
	"github.com/bulkverify/bulkverify/storage"
)

// batchFiles writes every file a finished batch has, through the paths
// the service uses: a sealed input and an output big enough for multipart
// uploads (more than storage.PartSize), three parts and a small errors
// file as single PutObjects. It returns the input's wrapped data key and
// the output.
func batchFiles(t *testing.T, f *storage.Files, id string) (string, []byte) {
	t.Helper()
	ctx := context.Background()
	big := bytes.Repeat([]byte("access_token,doctype\nverified-1,PANCR\n"), storage.PartSize/38+5000)
	wrapped, err := f.PutInput(ctx, id, bytes.NewReader(big))
	if err != nil {
		t.Fatalf("put input: %v", err)
	}
	for chunk := range 3 {
		if err := f.PutPart(ctx, id, chunk, []byte(fmt.Sprintf("row,%d\n", chunk))); err != nil {
			t.Fatalf("put part %d: %v", chunk, err)
		}
	}
	if err := f.PutOutput(ctx, id, bytes.NewReader(big)); err != nil {
		t.Fatalf("put output: %v", err)
	}
	if err := f.PutErrors(ctx, id, strings.NewReader("row,code\n")); err != nil {
		t.Fatalf("put errors: %v", err)
	}
	return wrapped, big
}

func testKeyring(t *testing.T) *envelope.Keyring {
	k, err := envelope.NewKeyring(envelope.NewDataKey(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// listKeys returns the current objects under prefix, sorted.
func listKeys(t *testing.T, c *s3.Client, bucket, prefix string) []string {
	t.Helper()
	out, err := c.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: &bucket, Prefix: &prefix})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, o := range out.Contents {
		keys = append(keys, *o.Key)
	}
	slices.Sort(keys)
	return keys
}

// Every object of a finished batch (sealed input, parts, output.csv,
// errors.csv; single and multipart uploads) is stored with the
// server-side encryption asked for, as MinIO with its KMS reports it; the
// output still downloads through its presigned URL and the input opens.
func TestEveryObjectOfABatchIsEncryptedAtRest(t *testing.T) {
	t.Parallel()
	m := miniotest.Start(t)
	m.Bucket(t, "bulkverify", false)
	want := []string{"input.csv", "output.csv", "errors.csv", "parts/00000000.csv", "parts/00000001.csv", "parts/00000002.csv"}
	slices.Sort(want)
	tests := []struct {
		name    string
		sse     storage.Encryption
		wantKey string // in SSEKMSKeyId
	}{
		{"AES256 (SSE-S3)", storage.Encryption{Mode: storage.SSEAES256}, ""},
		{"aws:kms with a named key", storage.Encryption{Mode: storage.SSEKMS, KMSKeyID: miniotest.KMSKey}, miniotest.KMSKey},
		{"aws:kms with the store's default key", storage.Encryption{Mode: storage.SSEKMS}, miniotest.KMSKey},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			bk := storage.NewBucket(m.Client, "bulkverify")
			f := storage.NewFiles(bk, testKeyring(t), time.Hour)
			bk.SetEncryption(tt.sse)
			if err := bk.EnsureBucket(ctx, false); err != nil {
				t.Fatalf("the store refused the encryption at start: %v", err)
			}
			id := fmt.Sprintf("batch-%d", i)
			wrapped, output := batchFiles(t, f, id)

			keys := listKeys(t, m.Client, "bulkverify", "batches/"+id+"/")
			var names []string
			for _, k := range keys {
				names = append(names, strings.TrimPrefix(k, "batches/"+id+"/"))
			}
			if !slices.Equal(names, want) {
				t.Fatalf("got objects %v, want %v", names, want)
			}
			for _, k := range keys {
				h, err := m.Client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("bulkverify"), Key: aws.String(k)})
				if err != nil {
					t.Fatal(err)
				}
				if h.ServerSideEncryption != tt.sse.Mode {
					t.Errorf("%s: got server-side encryption %q, want %q", k, h.ServerSideEncryption, tt.sse.Mode)
				}
				if got := aws.ToString(h.SSEKMSKeyId); !strings.Contains(got, tt.wantKey) || (tt.wantKey == "") != (got == "") {
					t.Errorf("%s: got KMS key %q, want one naming %q", k, got, tt.wantKey)
				}
			}

			u, err := f.PresignOutput(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := http.Get(u)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || !bytes.Equal(body, output) {
				t.Errorf("presigned GET of the output: got HTTP %d and %d bytes, want 200 and the %d bytes written", resp.StatusCode, len(body), len(output))
			}
			in, err := f.OpenInput(ctx, id, wrapped)
			if err != nil {
				t.Fatal(err)
			}
			plain, err := io.ReadAll(in)
			in.Close()
			if err != nil || !bytes.Equal(plain, output) {
				t.Errorf("open input: got %d bytes, %v; want the %d bytes sealed", len(plain), err, len(output))
			}
		})
	}
}

// A store that refuses the encryption asked for (MinIO without a KMS)
// stops the process at start, naming the variable, rather than failing
// every upload; with BV_S3_SSE=off it is used as before.
func TestAStoreWithoutEncryptionIsRefusedAtStart(t *testing.T) {
	t.Parallel()
	m := miniotest.StartWithoutKMS(t)
	m.Bucket(t, "bulkverify", false)
	ctx := context.Background()
	bk := storage.NewBucket(m.Client, "bulkverify")
	f := storage.NewFiles(bk, testKeyring(t), time.Hour)
	bk.SetEncryption(storage.Encryption{Mode: storage.SSEAES256})
	err := bk.EnsureBucket(ctx, false)
	if err == nil || !strings.Contains(err.Error(), "BV_S3_SSE=AES256") {
		t.Fatalf("got %v, want an error naming BV_S3_SSE=AES256", err)
	}
	bk.SetEncryption(storage.Encryption{})
	if err := bk.EnsureBucket(ctx, false); err != nil {
		t.Fatalf("BV_S3_SSE=off: %v", err)
	}
	if _, err := f.PutInput(ctx, "b1", strings.NewReader("access_token,doctype\n")); err != nil {
		t.Errorf("BV_S3_SSE=off: put input: %v", err)
	}
	if keys := listKeys(t, m.Client, "bulkverify", "batches/"); !slices.Equal(keys, []string{"batches/b1/input.csv"}) {
		t.Errorf("got objects %v, want the input alone (the check leaves nothing behind)", keys)
	}
}

// On a versioned bucket, erasing a batch deletes every version of every
// file and every delete marker (a plain delete only hides the data behind
// a marker); another batch's files stay.
func TestErasingABatchOnAVersionedBucketDeletesEveryVersion(t *testing.T) {
	t.Parallel()
	m := miniotest.Start(t)
	m.Bucket(t, "bulkverify", true)
	ctx := context.Background()
	bk := storage.NewBucket(m.Client, "bulkverify")
	f := storage.NewFiles(bk, testKeyring(t), time.Hour)
	bk.SetEncryption(storage.Encryption{Mode: storage.SSEAES256})
	batchFiles(t, f, "erased")
	batchFiles(t, f, "kept")
	// A chunk run twice overwrites its part; a plain delete leaves a
	// marker over the errors file's data.
	if err := f.PutPart(ctx, "erased", 0, []byte("row,again\n")); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("bulkverify"), Key: aws.String("batches/erased/errors.csv")}); err != nil {
		t.Fatal(err)
	}
	before := m.Versions(t, "bulkverify", "batches/erased/")
	if len(before) != 8 { // six files, a second part 0 and a delete marker
		t.Fatalf("before: got %d versions and markers, want 8: %v", len(before), before)
	}
	kept := m.Versions(t, "bulkverify", "batches/kept/")

	if err := f.DeleteBatch(ctx, "erased"); err != nil {
		t.Fatal(err)
	}
	if left := m.Versions(t, "bulkverify", "batches/erased/"); len(left) != 0 {
		t.Errorf("after erasing: %d versions or markers left: %v", len(left), left)
	}
	if got := m.Versions(t, "bulkverify", "batches/kept/"); !slices.Equal(got, kept) {
		t.Errorf("another batch's files: got %v, want %v untouched", got, kept)
	}

	if err := f.DeleteInput(ctx, "kept"); err != nil {
		t.Fatal(err)
	}
	for _, v := range m.Versions(t, "bulkverify", "batches/kept/") {
		if strings.HasPrefix(v, "batches/kept/input.csv@") {
			t.Errorf("a deleted input left %s", v)
		}
	}
}

// Stores without versions (gofakes3 on files answers NotImplemented; in
// memory it ignores the version id "null") still have a batch's files
// deleted, and nothing else.
func TestErasingABatchWorksOnStoresWithoutVersions(t *testing.T) {
	t.Parallel()
	files, err := s3afero.MultiBucket(afero.NewBasePathFs(afero.NewOsFs(), t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	for name, backend := range map[string]gofakes3.Backend{"in memory": s3mem.New(), "on files": files} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(gofakes3.New(backend).Server())
			t.Cleanup(srv.Close)
			client, err := storage.NewS3Client(context.Background(), storage.S3Options{Endpoint: srv.URL, Region: "us-east-1", PathStyle: true, StaticKey: "k", StaticSecret: "s"})
			if err != nil {
				t.Fatal(err)
			}
			bk := storage.NewBucket(client, "bulkverify")
			f := storage.NewFiles(bk, testKeyring(t), time.Hour)
			bk.SetEncryption(storage.Encryption{Mode: storage.SSEAES256}) // accepted and ignored
			if err := bk.EnsureBucket(context.Background(), true); err != nil {
				t.Fatal(err)
			}
			batchFiles(t, f, "erased")
			batchFiles(t, f, "kept")
			if err := f.DeleteBatch(context.Background(), "erased"); err != nil {
				t.Fatal(err)
			}
			if left := listKeys(t, client, "bulkverify", "batches/erased/"); len(left) != 0 {
				t.Errorf("after erasing: %v left", left)
			}
			if kept := listKeys(t, client, "bulkverify", "batches/kept/"); len(kept) != 6 {
				t.Errorf("another batch: got %v, want its 6 files", kept)
			}
		})
	}
}
