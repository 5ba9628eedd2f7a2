package main

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
)

// composeSecret is one variable of deploy/.env: compose.yaml takes it with
// ${NAME:?...}, so compose refuses to start without it.
type composeSecret struct {
	name, help string
	make       func(r io.Reader) (string, error)
}

// composeSecrets are the variables `make compose-env` writes.
var composeSecrets = []composeSecret{
	{"BV_DATA_KEY", "wraps every batch's data key (32 bytes, Base64); a new one makes the stored batches unreadable", randBase64(32, "")},
	{"BV_API_KEY", "x-api-key of the tenant demo (client-id demo); the CLI reads BV_API_KEY", randHex(32)},
	{"BV_JWT_SECRET", "signs the tokens of /v1/authorize", randHex(32)},
	{"BV_WEBHOOK_SECRET", "signs demo's webhooks (bulkverify webhook-receiver --secret ...)", randBase64(32, "whsec_")},
	{"MINIO_ROOT_USER", "MinIO's root user, also the API's and workers' S3 access key", prefixed("admin-", randHex(8))},
	{"MINIO_ROOT_PASSWORD", "MinIO's root password, also the S3 secret key", randHex(32)},
	{"MINIO_KMS_KEY", "MinIO's KMS key (32 bytes, Base64), which encrypts the objects at rest; a new one makes them unreadable", randBase64(32, "")},
	{"GRAFANA_ADMIN_PASSWORD", "Grafana's admin password (user admin); there is no anonymous access", randHex(24)},
}

func randBytes(r io.Reader, n int) ([]byte, error) {
	b := make([]byte, n)
	_, err := io.ReadFull(r, b)
	return b, err
}

func randHex(n int) func(io.Reader) (string, error) {
	return func(r io.Reader) (string, error) {
		b, err := randBytes(r, n)
		return hex.EncodeToString(b), err
	}
}

func randBase64(n int, prefix string) func(io.Reader) (string, error) {
	return func(r io.Reader) (string, error) {
		b, err := randBytes(r, n)
		return prefix + base64.StdEncoding.EncodeToString(b), err
	}
}

func prefixed(prefix string, f func(io.Reader) (string, error)) func(io.Reader) (string, error) {
	return func(r io.Reader) (string, error) {
		s, err := f(r)
		return prefix + s, err
	}
}

// composeEnv returns a new value of every compose secret, read from r, as
// NAME=value lines.
func composeEnv(r io.Reader) ([]string, error) {
	var out []string
	for _, s := range composeSecrets {
		v, err := s.make(r)
		if err != nil {
			return nil, fmt.Errorf("make %s: %w", s.name, err)
		}
		out = append(out, s.name+"="+v)
	}
	return out, nil
}

// writeComposeEnv writes a new deploy/.env at path, readable by its owner
// only. It never replaces one: the stored batches need the BV_DATA_KEY
// they were written under, and MinIO keeps its data.
func writeComposeEnv(path string) error {
	env, err := composeEnv(rand.Reader)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s exists: it is kept, since the stored batches need its BV_DATA_KEY; to start afresh, run `docker compose -f deploy/compose.yaml down -v`, delete it and run make compose-env again", path)
	}
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString("# The secrets of deploy/compose.yaml, made by `make compose-env`.\n# Keep this file private; it is in .gitignore.\n")
	for i, s := range composeSecrets {
		fmt.Fprintf(&b, "\n# %s\n%s\n", s.help, env[i])
	}
	if _, err := f.WriteString(b.String()); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
