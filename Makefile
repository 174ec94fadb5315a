# Eddy: streaming SQL for Kafka.
#
#   make run          build and start `eddy server` with the embedded defaults
#   make test         all tests (unit, end-to-end, conformance baseline)
#   make conformance  the ksqlDB test corpus report
#   make bench        benchmarks
#   make grammar      regenerate the parser from grammar/*.g4

GO      ?= go
BIN     := bin/eddy
GOFLAGS ?=

include grammar.mk
include conformance.mk

.PHONY: build run test vet lint bench clean

build:
	$(GO) build -o $(BIN) ./cmd/eddy

run: build
	./$(BIN) server

test:
	$(GO) test -count=1 -timeout 20m ./...

vet:
	$(GO) vet $$($(GO) list ./... | grep -v /internal/gen)
	$(GO) vet -unreachable=false ./parser/internal/gen/
	@bad=$$(gofmt -l $$(git ls-files '*.go' | grep -v /internal/gen/)); \
	if [ -n "$$bad" ]; then echo "gofmt needed: $$bad" >&2; exit 1; fi

lint: vet
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 $$($(GO) list ./... | grep -v /internal/gen)

# Go micro-benchmarks, then the end-to-end program of issue 8 (bench/),
# which rewrites docs/benchmarks.md and bench/results.json.
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...
	$(GO) run ./bench -out docs/benchmarks.md -json bench/results.json

clean:
	rm -rf bin
