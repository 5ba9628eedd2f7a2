package config

import (
	"strings"
	"testing"
	"time"

	"github.com/bulkverify/bulkverify/provider/providers"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadDefaults(t *testing.T) {
	c, err := Load(env(nil), providers.All)
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTPAddr != ":8080" || c.ChunkSize != 100 || c.BatchWindow != 16 || c.MaxAttempts != 8 || c.PresignTTL != 15*time.Minute || c.Retention != 168*time.Hour || c.MetricsAddr != ":9091" {
		t.Errorf("defaults: %v", c.Dump())
	}
}

func TestLoadReportsEveryProblemAtOnce(t *testing.T) {
	_, err := Load(env(map[string]string{
		"BV_CHUNK_SIZE":          "0",
		"BV_REDIS_URL":           "localhost:6379",
		"BV_CLIENTS":             "acme",
		"BV_DIGILOCKER_RATE":     "fast",
		"BV_PRESIGN_TTL":         "1 hour",
		"BV_SILA_BASE_URL":       "ftp://sila",
		"BV_S3_ACCESS_KEY_ID":    "key-without-secret",
		"BV_TENANT_WEIGHTS":      "acme:0",
		"BV_LOG_LEVEL":           "loud",
		"BV_FLEXFACTOR_BASE_URL": "https://ok.example",
	}), providers.All)
	if err == nil {
		t.Fatal("got no error")
	}
	for _, want := range []string{"BV_CHUNK_SIZE", "BV_REDIS_URL", "BV_CLIENTS", "BV_DIGILOCKER_RATE", "BV_PRESIGN_TTL", "BV_SILA_BASE_URL", "BV_S3_SECRET_ACCESS_KEY", "BV_TENANT_WEIGHTS", "BV_LOG_LEVEL"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %s:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "BV_FLEXFACTOR_BASE_URL") {
		t.Errorf("a valid variable is reported:\n%v", err)
	}
}

func TestDumpRedactsSecrets(t *testing.T) {
	c, err := Load(env(map[string]string{
		"BV_DEEPVUE_CLIENT_SECRET":    "dv-secret",
		"BV_REDIS_URL":                "redis://user:redis-pass@host:6379/0",
		"BV_CLIENTS":                  "acme:acme-secret",
		"BV_DIGILOCKER_CLIENT_SECRET": "dl-secret",
		"BV_SILA_ACCESS_TOKEN":        "sila-token",
		"BV_FLEXFACTOR_CLIENT_SECRET": "ff-secret",
		"BV_S3_ACCESS_KEY_ID":         "AKIA",
		"BV_S3_SECRET_ACCESS_KEY":     "s3-secret",
		"BV_JWT_SECRET":               "jwt-secret",
	}), providers.All)
	if err != nil {
		t.Fatal(err)
	}
	dump := strings.Join(c.Dump(), "\n")
	for _, secret := range []string{"redis-pass", "acme-secret", "dl-secret", "sila-token", "ff-secret", "s3-secret", "jwt-secret", "dv-secret"} {
		if strings.Contains(dump, secret) {
			t.Errorf("dump shows %q:\n%s", secret, dump)
		}
	}
	if !strings.Contains(dump, "BV_CLIENTS=acme") {
		t.Errorf("dump hides the client ids:\n%s", dump)
	}
}

// Every variable Load reads is in the dump: the dump cannot drift from the
// configuration.
func TestDumpNamesEveryVariableLoadReads(t *testing.T) {
	read := map[string]bool{}
	c, err := Load(func(k string) string { read[k] = true; return "" }, providers.All)
	if err != nil {
		t.Fatal(err)
	}
	dumped := map[string]bool{}
	for _, line := range c.Dump() {
		k, _, _ := strings.Cut(line, "=")
		dumped[k] = true
	}
	for k := range read {
		if !dumped[k] {
			t.Errorf("Load reads %s but Dump does not show it", k)
		}
	}
	for k := range dumped {
		if !read[k] {
			t.Errorf("Dump shows %s but Load never reads it", k)
		}
	}
	if !read["BV_DEEPVUE_PURPOSE"] || !read["BV_SILA_RATE"] {
		t.Errorf("Load does not read the providers' variables: %v", read)
	}
}
