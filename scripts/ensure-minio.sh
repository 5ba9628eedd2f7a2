#!/usr/bin/env bash
# Makes sure a MinIO server is installed for `make chaos` and `make bench`:
# when `minio` is neither on the PATH nor in GOPATH/bin, it is built from
# the Go module proxy with go install (a few minutes on two cores, once).
# BV_CHAOS_MINIO or BV_BENCH_MINIO names a binary to use instead; without
# Go or the proxy the benchmark falls back to the embedded gofakes3 and
# says so in its table.
set -euo pipefail
MINIO_VERSION=${MINIO_VERSION:-v0.0.0-20260212201848-7aac2a2c5b7c}
if [ -n "${BV_CHAOS_MINIO:-}" ] || [ -n "${BV_BENCH_MINIO:-}" ] || command -v minio >/dev/null 2>&1; then
  exit 0
fi
gobin="$(go env GOPATH)/bin"
if [ -x "$gobin/minio" ]; then
  exit 0
fi
echo "building minio $MINIO_VERSION with go install (once; a few minutes)..." >&2
GOBIN="$gobin" go install "github.com/minio/minio@$MINIO_VERSION"
