GO ?= go
BIN := bin/bulkverify

FUZZTIME ?= 5m

WEB := api/web

.PHONY: fuzz help build run test test-short lint bench bench-all bench-ratelimit bench-scale deploy-check compose-env alerts-check bench-go web web-types web-check web-check-if-npm openapi-lint openapi-lint-if-npm fuzz-targets chaos soak

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

build: ## build bin/bulkverify
	$(GO) build -o $(BIN) ./cmd/bulkverify

run: build ## run bulkverify dev, submit the sample batches, print status and output
	./scripts/run-demo.sh

test: lint deploy-check alerts-check web-check-if-npm ## all tests with the race detector, on a real redis-server, prometheus and headless Chromium (installed if missing)
	./scripts/ensure-redis.sh
	./scripts/ensure-prometheus.sh
	./scripts/ensure-chromium.sh
	./scripts/ensure-tmux.sh
	$(GO) test -race -count=1 -timeout 10m ./...

test-short: ## unit tests only (no redis-server)
	$(GO) test -short ./...

lint: ## gofmt, go vet, and Redocly's recommended rules on api/openapi.json (where npm is)
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change: $$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) vet -tags bench,chaos ./... # the benchmarks and the chaos suite build too
	@$(MAKE) --no-print-directory openapi-lint-if-npm

bench-ratelimit: build ## rate limit, fairness and fault benchmarks: 3 worker processes on a real redis-server (~4 min)
	./scripts/ensure-redis.sh
	@mkdir -p .bench && rm -f .bench/ratelimit.md
	BV_BENCH_REPORT=$(CURDIR)/.bench/ratelimit.md $(GO) test -tags bench -count=1 -timeout 20m -v -run 'Test' ./bench/ | grep -E '^(=== RUN|--- |    |ok|FAIL|PASS)'
	@echo; cat .bench/ratelimit.md

chaos: build ## chaos suite: kill -9, Redis restart, MinIO down, upstream faults, Sentinel failover, a Redis Cluster node restarted on 20,000-row batches, a finalizer killed mid-assembly of 1,000,000 rows; real processes (~36 min)
	./scripts/ensure-redis.sh
	./scripts/ensure-minio.sh
	@mkdir -p .bench && rm -f .bench/chaos.md
	BV_CHAOS_REPORT=$(CURDIR)/.bench/chaos.md $(GO) test -tags chaos -count=1 -timeout 60m -v -run TestChaos ./chaos/ | grep -E '^(=== RUN|--- |    |ok|FAIL|PASS)'
	@echo; cat .bench/chaos.md

BV_SOAK_DURATION ?= 1h

soak: build ## soak: 4 tenants, 4 providers, faults, a worker killed -9 every 10 min, Redis restarted once, for BV_SOAK_DURATION (default 1h); table and chart in .bench/soak.md and .bench/soak.svg
	./scripts/ensure-redis.sh
	./scripts/ensure-minio.sh
	@mkdir -p .bench && rm -f .bench/soak.md .bench/soak.svg
	BV_SOAK_DURATION=$(BV_SOAK_DURATION) BV_SOAK_REPORT=$(CURDIR)/.bench $(GO) test -tags chaos -count=1 -timeout 24h -v -run '^TestSoak$$' ./chaos/ | grep --line-buffered -E '^(=== RUN|--- |    |ok|FAIL|PASS)'
	@echo; cat .bench/soak.md

bench-go: ## Go micro-benchmarks (CSV intake)
	$(GO) test -run '^$$' -bench . -benchtime 20x ./batchcsv/

bench: build ## issue 13's figures beside same-run baselines, one table (real redis-server and MinIO; about 7 min on an idle 2-core machine)
	./scripts/ensure-redis.sh
	./scripts/ensure-minio.sh
	@mkdir -p .bench && rm -f .bench/perf.md
	BV_BENCH_REPORT=$(CURDIR)/.bench/perf.md $(GO) test -tags bench -count=1 -timeout 30m -v -run '^TestPerf$$' ./bench/perf/ | grep -E '^(=== RUN|--- |    |ok|FAIL|PASS)'
	@echo; cat .bench/perf.md

BV_SCALE_SIZES ?= 100000,1000000,5000000

bench-scale: build ## issue 20's "how cost grows": batches of BV_SCALE_SIZES rows (default 100,000, 1,000,000, 5,000,000) end to end on one worker: time per row, serve and work peak RSS, Redis memory, finalizing with 20 ms S3 latency (~30 min)
	./scripts/ensure-redis.sh
	./scripts/ensure-minio.sh
	@mkdir -p .bench && rm -f .bench/scale.md
	BV_SCALE_SIZES=$(BV_SCALE_SIZES) BV_BENCH_REPORT=$(CURDIR)/.bench/scale.md $(GO) test -tags bench -count=1 -timeout 100m -v -run '^TestScale$$' ./bench/perf/ | grep -E '^(=== RUN|--- |    |ok|FAIL|PASS)'
	@echo; cat .bench/scale.md

bench-all: bench bench-go bench-ratelimit ## every benchmark (~11 min)

deploy-check: ## validate deploy/compose.yaml (compose-go) and deploy/k8s (strict API types, KEDA's CRD schemas, hardening, egress policy), and run check-config on every serve and work they define; no Docker or cluster needed
	cd deploy/validate && $(GO) vet ./... && $(GO) test -count=1 ./... && $(GO) run .

compose-env: ## write deploy/.env: random secrets for deploy/compose.yaml (data key, API key, webhook, MinIO, Grafana); never replaces one
	cd deploy/validate && $(GO) run . compose-env $(CURDIR)/deploy/.env

alerts-check: ## promtool: check deploy/prometheus.yml and the alert rules, run their unit tests (installs prometheus if missing)
	./scripts/ensure-prometheus.sh
	promtool check config deploy/prometheus.yml
	promtool check rules deploy/alerts.yml
	promtool test rules deploy/alerts_test.yml

# FUZZ_PACKAGES are batchcsv (CSV intake) and every provider package that
# provider/providers imports: its list, providers.All, so that adding a
# provider adds its fuzz targets here by itself.
FUZZ_PACKAGES = ./batchcsv $(shell $(GO) list -f '{{range .Imports}}{{println .}}{{end}}' ./provider/providers | grep -E '/provider/[a-z0-9]+$$')

fuzz-targets: ## list the fuzz targets make fuzz runs: "package FuzzName", from batchcsv and the providers of provider/providers
	@for pkg in $(FUZZ_PACKAGES); do \
	  names=$$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz') || { echo "$$pkg has no fuzz target: add one (see provider/answerfuzz)" >&2; exit 1; }; \
	  for name in $$names; do echo "$$pkg $$name"; done; \
	done

fuzz: ## each fuzz target for FUZZTIME (default 5m): CSV intake, its limits (columns, line length, rows) and every provider's answer decoding (see make fuzz-targets)
	@targets=$$($(MAKE) --no-print-directory -s fuzz-targets) || exit 1; \
	echo "$$targets" | while read -r pkg name; do \
	  echo "$(GO) test -run '^$$' -fuzz '^$$name\$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10x $$pkg"; \
	  $(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 10x $$pkg < /dev/null || exit 1; \
	done

web: $(WEB)/node_modules/.installed ## generate api/web/src/api-types.ts from api/openapi.json, build the web console from api/web/src into api/web/dist (commit both: go build embeds dist)
	cd $(WEB) && npm run build

web-types: $(WEB)/node_modules/.installed ## generate api/web/src/api-types.ts (the console's types) from api/openapi.json with openapi-typescript
	cd $(WEB) && npm run types

web-check: $(WEB)/node_modules/.installed ## fail unless api/web/src/api-types.ts is generated from api/openapi.json and the committed api/web/dist is the build of the sources; type-check the console
	cd $(WEB) && npm run check

openapi-lint: $(WEB)/node_modules/.installed ## lint api/openapi.json with Redocly's recommended rules (api/web/redocly.yaml; accepted exceptions in api/web/.redocly.lint-ignore.yaml)
	cd $(WEB) && npm run --silent lint:openapi

# make lint runs openapi-lint where npm is.
openapi-lint-if-npm:
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory openapi-lint; \
	  else echo "npm not found: skipping openapi-lint"; fi

# make test runs web-check where npm is; without npm, go test still checks
# that api/web/dist was built from the sources as they are (their digests).
web-check-if-npm:
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory web-check; \
	  else echo "npm not found: skipping web-check (go test still compares api/web/dist/sources.sha256 with the sources)"; fi

$(WEB)/node_modules/.installed: $(WEB)/package.json $(WEB)/package-lock.json
	cd $(WEB) && npm ci --no-audit --no-fund --ignore-scripts
	@touch $@
