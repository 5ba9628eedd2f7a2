#!/usr/bin/env bash
# make run: starts `bulkverify dev` on a free port, submits each sample batch
# with `bulkverify submit --wait`, prints the status and the first lines of
# the output, then stops the dev server.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=bin/bulkverify
work=$(mktemp -d)
BV_HTTP_ADDR=127.0.0.1:0 "$bin" dev >"$work/dev.out" 2>"$work/dev.log" &
pid=$!
cleanup() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

url=""
for _ in $(seq 1 300); do
  url=$(sed -n 's/^api: //p' "$work/dev.out")
  [ -n "$url" ] && break
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "bulkverify dev exited:" >&2
    cat "$work/dev.log" >&2
    exit 1
  fi
  sleep 0.1
done
[ -n "$url" ] || { echo "bulkverify dev did not start within 30s" >&2; cat "$work/dev.log" >&2; exit 1; }
head -n 1 "$work/dev.out"
echo "API at $url"

# examples/<provider>.csv, and examples/<provider>-claims.csv for the
# providers that check claims against the document.
for sample in ${SAMPLES:-$(cd examples && ls *.csv | sed "s/\.csv$//")}; do
  [ -f "examples/$sample.csv" ] || continue
  provider=${sample%-claims}
  echo
  echo "== $provider: bulkverify submit examples/$sample.csv --provider $provider --wait"
  "$bin" submit "examples/$sample.csv" --provider "$provider" --wait --url "$url" --output "$work/$sample.csv"
  echo "-- first lines of the output (row_number,reference_id,status,code,message,...):"
  head -n 8 "$work/$sample.csv" | cut -c1-160
done
