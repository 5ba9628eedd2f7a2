GO ?= go
BIN := bin/bulkverify

.PHONY: help build run test test-short lint bench bench-ratelimit deploy-check bench-go chaos

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

build: ## build bin/bulkverify
	$(GO) build -o $(BIN) ./cmd/bulkverify

run: build ## run bulkverify dev, submit the sample batches, print status and output
	./scripts/run-demo.sh

test: lint ## all tests with the race detector, on a real redis-server (installed if missing)
	./scripts/ensure-redis.sh
	$(GO) test -race -count=1 -timeout 10m ./...

test-short: ## unit tests only (no redis-server)
	$(GO) test -short ./...

lint: ## gofmt and go vet
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change: $$out"; exit 1; fi
	$(GO) vet ./...

bench-ratelimit: build ## rate limit, fairness and fault benchmarks: 3 worker processes on a real redis-server (~4 min)
	./scripts/ensure-redis.sh
	@mkdir -p .bench && rm -f .bench/ratelimit.md
	BV_BENCH_REPORT=$(CURDIR)/.bench/ratelimit.md $(GO) test -tags bench -count=1 -timeout 20m -v -run 'Test' ./bench/ | grep -E '^(=== RUN|--- |    |ok|FAIL|PASS)'
	@echo; cat .bench/ratelimit.md

chaos: build ## chaos suite: kill -9, Redis restart, MinIO down, upstream faults on 20,000-row batches, real processes (~25 min)
	./scripts/ensure-redis.sh
	./scripts/ensure-minio.sh
	@mkdir -p .bench && rm -f .bench/chaos.md
	BV_CHAOS_REPORT=$(CURDIR)/.bench/chaos.md $(GO) test -tags chaos -count=1 -timeout 45m -v -run TestChaos ./chaos/ | grep -E '^(=== RUN|--- |    |ok|FAIL|PASS)'
	@echo; cat .bench/chaos.md

bench-go: ## Go micro-benchmarks (CSV intake)
	$(GO) test -run '^$$' -bench . -benchtime 20x ./jobs/

bench: bench-go bench-ratelimit ## every benchmark

deploy-check: ## validate deploy/compose.yaml (compose-go) and deploy/k8s (strict API types), no Docker or cluster needed
	cd deploy/validate && $(GO) run .
