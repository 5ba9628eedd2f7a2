GO ?= go
BIN := bin/bulkverify

FUZZTIME ?= 5m

.PHONY: fuzz help build run test test-short lint bench bench-ratelimit deploy-check alerts-check bench-go

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

build: ## build bin/bulkverify
	$(GO) build -o $(BIN) ./cmd/bulkverify

run: build ## run bulkverify dev, submit the sample batches, print status and output
	./scripts/run-demo.sh

test: lint deploy-check alerts-check ## all tests with the race detector, on a real redis-server and prometheus (installed if missing)
	./scripts/ensure-redis.sh
	./scripts/ensure-prometheus.sh
	./scripts/ensure-tmux.sh
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

bench-go: ## Go micro-benchmarks (CSV intake)
	$(GO) test -run '^$$' -bench . -benchtime 20x ./jobs/

bench: bench-go bench-ratelimit ## every benchmark

deploy-check: ## validate deploy/compose.yaml (compose-go) and deploy/k8s (strict API types, KEDA's CRD schemas, hardening), no Docker or cluster needed
	cd deploy/validate && $(GO) vet ./... && $(GO) test -count=1 ./... && $(GO) run .

alerts-check: ## promtool: check deploy/prometheus.yml and the alert rules, run their unit tests (installs prometheus if missing)
	./scripts/ensure-prometheus.sh
	promtool check config deploy/prometheus.yml
	promtool check rules deploy/alerts.yml
	promtool test rules deploy/alerts_test.yml

fuzz: ## each fuzz target for FUZZTIME (default 5m): CSV intake and every provider's answer decoding
	$(GO) test -run '^$$' -fuzz '^FuzzSplit$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10x ./batchcsv/
	$(GO) test -run '^$$' -fuzz '^FuzzIssuedFilesAnswer$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10x ./provider/digilocker/
	$(GO) test -run '^$$' -fuzz '^FuzzListDocumentsAnswer$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10x ./provider/sila/
	$(GO) test -run '^$$' -fuzz '^FuzzDocumentsAnswer$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10x ./provider/flexfactor/
	$(GO) test -run '^$$' -fuzz '^FuzzIssuedFilesAnswer$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10x ./provider/deepvue/
