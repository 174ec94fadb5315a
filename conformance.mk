# ksqlDB conformance corpus (see conformance/). Included from the main Makefile.
#
#   make conformance                        # report + fail on baseline regression
#   make conformance CONFORMANCE_FLAGS='-diffs -case "^joins.json/"'
#   make conformance-update-baseline        # raise conformance/baseline*.json
#
# Flags (after the go test flags, passed to the test binary): -diffs,
# -case REGEXP, -workers N, -case-timeout DUR, -write-summary, -summary PATH,
# -schema-registry, -ksql-tests DIR, -ksql-rqtt DIR, -baseline PATH.
#
# `go test -C conformance` (local directory mode) is used instead of
# `go test ./conformance` because package-list mode hides the report of a
# passing test unless -v is given.

GO ?= go
CONFORMANCE_FLAGS ?=
CONFORMANCE_GOTEST = $(GO) test -C conformance -run 'TestQTT|TestRQTT' -count=1 -timeout 30m -v=false

.PHONY: conformance conformance-update-baseline

conformance:
	$(CONFORMANCE_GOTEST) $(CONFORMANCE_FLAGS)

conformance-update-baseline:
	$(CONFORMANCE_GOTEST) -update-baseline $(CONFORMANCE_FLAGS)
