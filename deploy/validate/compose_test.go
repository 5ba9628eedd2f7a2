package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

// composeDir returns a directory holding compose.yaml after the edits,
// beside links to the files it mounts.
func composeDir(t *testing.T, edits ...[2]string) string {
	t.Helper()
	b, err := os.ReadFile("../compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	for _, e := range edits {
		if n := strings.Count(text, e[0]); n != 1 {
			t.Fatalf("compose.yaml holds %q %d times, want once: update the test", e[0], n)
		}
		text = strings.Replace(text, e[0], e[1], 1)
	}
	dir := t.TempDir()
	for _, f := range []string{"prometheus.yml", "alerts.yml", "grafana"} {
		abs, _ := filepath.Abs(filepath.Join("..", f))
		if err := os.Symlink(abs, filepath.Join(dir, f)); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte(text), 0o644)
	return dir
}

func TestTheComposeFilePasses(t *testing.T) {
	if _, err := checkCompose(context.Background(), filepath.Join(composeDir(t), "compose.yaml"), testProviders(t)); err != nil {
		t.Fatalf("compose.yaml has problems:\n%v", err)
	}
}

func TestEveryComposeMistakeIsReported(t *testing.T) {
	cases := []struct {
		name string
		edit [2]string
		want string
	}{
		{"the API on every interface", [2]string{`"127.0.0.1:8080:8080"`, `"8080:8080"`}, "service api publishes port 8080 on every interface"},
		{"MinIO's console on every interface", [2]string{`"127.0.0.1:9001:9001"`, `"0.0.0.0:9001:9001"`}, "service minio publishes port 9001 on every interface"},
		{"a Grafana password in the file", [2]string{`GF_SECURITY_ADMIN_PASSWORD: "${GRAFANA_ADMIN_PASSWORD:?run make compose-env to write deploy/.env}"`, `GF_SECURITY_ADMIN_PASSWORD: bulkverify`}, "service grafana: GF_SECURITY_ADMIN_PASSWORD is written in compose.yaml"},
		{"a MinIO password with a default", [2]string{`MINIO_ROOT_PASSWORD: "${MINIO_ROOT_PASSWORD:?run make compose-env to write deploy/.env}"
      # MinIO's static`, `MINIO_ROOT_PASSWORD: "${MINIO_ROOT_PASSWORD:-bulkverify-secret}"
      # MinIO's static`}, "MINIO_ROOT_PASSWORD has a default (${MINIO_ROOT_PASSWORD:-...})"},
		{"a misspelled provider variable", [2]string{"BV_SILA_APP_HANDLE: bulkverify.silamoney.eth", "BV_SILA_APP_HANDEL: bulkverify.silamoney.eth"}, "service api: BV_SILA_APP_HANDEL is no variable of provider sila, which reads BV_SILA_BASE_URL"},
		{"an upstream of no provider", [2]string{"BV_FLEXFACTOR_BASE_URL: http://simulate:9000/flexfactor", "BV_FLEXFACTOR_BASE_URL: http://simulate:9000/flexfactor\n  BV_PLAID_BASE_URL: http://simulate:9000/plaid"}, "BV_PLAID_BASE_URL is the upstream of no provider in provider/providers (deepvue, digilocker, flexfactor, sila)"},
		{"a data key in the file", [2]string{`BV_DATA_KEY: "${BV_DATA_KEY:?run make compose-env to write deploy/.env}"`, `BV_DATA_KEY: BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=`}, "service api: BV_DATA_KEY is written in compose.yaml"},
		{"a client secret in the file", [2]string{`BV_CLIENTS: "demo:${BV_API_KEY:?run make compose-env to write deploy/.env}"`, `BV_CLIENTS: demo:demo-secret`}, "service worker: BV_CLIENTS is written in compose.yaml"},
		{"anonymous Grafana", [2]string{`GF_AUTH_ANONYMOUS_ENABLED: "false"`, `GF_AUTH_ANONYMOUS_ENABLED: "true"`}, "GF_AUTH_ANONYMOUS_ENABLED is true"},
		{"a mount of a missing file", [2]string{"./alerts.yml:/etc/prometheus/alerts.yml:ro", "./alert.yml:/etc/prometheus/alerts.yml:ro"}, "alert.yml, which does not exist"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := checkCompose(context.Background(), filepath.Join(composeDir(t, c.edit), "compose.yaml"), testProviders(t))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got problems:\n%v\nwant one containing %q", err, c.want)
			}
		})
	}
}

// Without deploy/.env, compose refuses to start and says how to make one.
func TestComposeNeedsItsEnvFile(t *testing.T) {
	_, err := loadCompose(context.Background(), "../compose.yaml", nil)
	if err == nil || !strings.Contains(err.Error(), "run make compose-env to write deploy/.env") {
		t.Errorf("got %v, want a refusal saying to run make compose-env", err)
	}
}

// loadWithEnvFile loads compose.yaml as `docker compose` does with a .env
// file: read by compose-go's own dotenv parser.
func loadWithEnvFile(t *testing.T, envFile string) *types.Project {
	t.Helper()
	opts, err := cli.NewProjectOptions([]string{"../compose.yaml"}, cli.WithWorkingDirectory(".."), cli.WithResolvedPaths(true),
		cli.WithEnvFiles(envFile), cli.WithDotEnv)
	if err != nil {
		t.Fatal(err)
	}
	p, err := opts.LoadProject(context.Background())
	if err != nil {
		t.Fatalf("load compose.yaml with %s: %v", envFile, err)
	}
	return p
}

func TestComposeEnvWritesFreshSecretsOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".env")
	if err := writeComposeEnv(path); err != nil {
		t.Fatal(err)
	}
	first, _ := os.ReadFile(path)
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("got mode %v, want 0600", fi.Mode().Perm())
	}
	err := writeComposeEnv(path)
	if err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("second run: got %v, want a refusal to replace the file", err)
	}
	if again, _ := os.ReadFile(path); string(again) != string(first) {
		t.Error("the second run changed the file")
	}

	p := loadWithEnvFile(t, path)
	env := p.Services["api"].Environment
	key, err := base64.StdEncoding.DecodeString(*env["BV_DATA_KEY"])
	if err != nil || len(key) != 32 {
		t.Errorf("BV_DATA_KEY decodes to %d bytes (%v), want 32", len(key), err)
	}
	hook, ok := strings.CutPrefix(*env["BV_WEBHOOK_SECRETS"], "demo:whsec_")
	if raw, err := base64.StdEncoding.DecodeString(hook); !ok || err != nil || len(raw) != 32 {
		t.Errorf("BV_WEBHOOK_SECRETS is not demo:whsec_ and 32 bytes in Base64")
	}
	if g := p.Services["grafana"].Environment["GF_SECURITY_ADMIN_PASSWORD"]; g == nil || len(*g) < 32 {
		t.Errorf("Grafana's admin password is not a long random one")
	}
	kms, ok := strings.CutPrefix(*p.Services["minio"].Environment["MINIO_KMS_SECRET_KEY"], "bulkverify-key:")
	if raw, err := base64.StdEncoding.DecodeString(kms); !ok || err != nil || len(raw) != 32 {
		t.Errorf("MINIO_KMS_SECRET_KEY is not bulkverify-key: and 32 bytes in Base64, as MinIO's static KMS wants")
	}
	if *p.Services["minio"].Environment["MINIO_ROOT_PASSWORD"] != *env["BV_S3_SECRET_ACCESS_KEY"] {
		t.Error("the API's S3 secret is not MinIO's password")
	}

	a, _ := composeEnv(rand.Reader)
	b, _ := composeEnv(rand.Reader)
	for i := range a {
		if a[i] == b[i] {
			t.Errorf("two runs made the same %s", a[i])
		}
	}
}
