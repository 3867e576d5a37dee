# zhiyuan — 志愿服务信息平台. `make run` and `make test` are all a newcomer needs.
SHELL := /bin/bash
GO ?= go
BIN := bin/zhiyuan
DATA ?= ./zhiyuan-data
ADDR ?= 127.0.0.1:8080
GOTEST_FLAGS ?= -count=1 -timeout 45m

.PHONY: all build run test test-sqlite test-race bench assets vet fmt clean lighthouse

all: build

# Front-end packages come from npm when it is there, installed again only when
# package-lock.json changed; without npm or its registry the build goes on, says what is
# missing, and the pages work without them (scripts/assets.sh).
assets:
	@scripts/assets.sh

build: assets
	$(GO) build -o $(BIN) ./cmd/zhiyuan

# Start on the embedded database with demo data (made once, on first run).
run: build
	$(BIN) demo --data $(DATA) --if-empty
	$(BIN) serve --data $(DATA) --addr $(ADDR)

# Every test on SQLite and on a throwaway PostgreSQL that the script starts and stops.
# Nothing may be skipped for want of a tool here: each ZHIYUAN_TEST_REQUIRE_* turns the
# skip of plain `go test` into a failure (see internal/testneed).
REQUIRE_ALL := ZHIYUAN_TEST_REQUIRE_POSTGRES=1 ZHIYUAN_TEST_REQUIRE_BROWSER=1 \
	ZHIYUAN_TEST_REQUIRE_POPPLER=1 ZHIYUAN_TEST_REQUIRE_FONT=1
test: build
	$(REQUIRE_ALL) scripts/with-postgres.sh $(GO) test $(GOTEST_FLAGS) ./...

# SQLite only, no set-up at all; lists at the end what was not run and why.
test-sqlite:
	set -o pipefail; $(GO) test $(GOTEST_FLAGS) -v ./... 2>&1 | scripts/test-summary.sh artifacts/test-sqlite.log

# The store, the application and the API under the race detector, on SQLite (-race needs
# cgo, so a C compiler: apt-get install gcc).
test-race:
	env -u ZHIYUAN_TEST_POSTGRES_URL ZHIYUAN_TEST_REQUIRE_POSTGRES=0 CGO_ENABLED=1 \
		$(GO) test -race $(GOTEST_FLAGS) ./internal/sqlstore/... ./internal/app/... ./internal/api/...

# Benchmarks on both engines; each prints its figure beside a reference from the same run.
# Rush benchmarks measure ZHIYUAN_BENCH_REPEATS times and print min/median/max (issue 18).
bench: build
	ZHIYUAN_BENCH_REPEATS=$${ZHIYUAN_BENCH_REPEATS:-3} scripts/with-postgres.sh $(GO) test -run '^$$' -bench . -benchtime $${BENCHTIME:-1x} -timeout 180m ./...

# Lighthouse (mobile) on the home page, search, an activity, /register and my hours; scores
# in artifacts/lighthouse/scores.txt (docs/ARCHITECTURE.md records them). Not in `make test`.
lighthouse:
	scripts/lighthouse.sh

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf bin node_modules internal/web/static/vendor
