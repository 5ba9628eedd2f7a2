#!/usr/bin/env bash
# Makes sure a MinIO server binary is there for `make bench`: minio on PATH
# or in $(go env GOPATH)/bin, else built from source with `go install`
# (through the Go module proxy; a few minutes). Without Go or the proxy the
# benchmark falls back to the embedded gofakes3 and says so in its table.
set -euo pipefail
# The MinIO commit the benchmark was last run with.
MINIO_VERSION="${MINIO_VERSION:-v0.0.0-20260212201848-7aac2a2c5b7c}"
if [ -n "${BV_BENCH_MINIO:-}" ] || command -v minio >/dev/null 2>&1 || [ -x "$(go env GOPATH)/bin/minio" ]; then
  exit 0
fi
echo "building MinIO ($MINIO_VERSION) with go install..." >&2
go install "github.com/minio/minio@${MINIO_VERSION}" || echo "could not build MinIO: the benchmark uses the embedded gofakes3" >&2
