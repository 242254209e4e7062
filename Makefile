# connect-compliance. The two commands a fresh machine needs:
#   make daily   daily controls against the simulator, reports in out/daily
#   make test    every test of the project
SHELL := /bin/bash
OUT   ?= out
GO    ?= go
BIN   := bin/compliance

.PHONY: all deps build daily test vet bench clean

all: test

# --- Suites --------------------------------------------------------------------
# `make daily` exits with the report's code: 0 compliant, 1 non-compliant,
# 2 errors or controls not run. GNU make turns any failing recipe into exit 2,
# never 1, so the suite runs (`compliance run`) while this file is read, and a
# non-compliant result switches make to question mode (-q), where make exits 1
# without running recipes. Output goes to the terminal as usual (stderr).
SUITES := daily
SUITE  := $(firstword $(filter $(SUITES),$(MAKECMDGOALS)))
ifneq ($(SUITE),)
SUITE_EXIT := $(shell ($(GO) build -o $(BIN) ./cmd/compliance || exit 2; \
                       ./$(BIN) run --tag $(SUITE) --out $(OUT)/$(SUITE)) 1>&2; echo $$?)
ifeq ($(SUITE_EXIT),1)
MAKEFLAGS += -q
endif
endif

$(SUITES):
	@exit $(SUITE_EXIT)

# --- Development ---------------------------------------------------------------
# System packages the tests need (Debian): xmllint validates JUnit against the schema.
deps:
	@command -v xmllint >/dev/null 2>&1 || { \
	  echo "installing libxml2-utils (xmllint)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libxml2-utils >/dev/null; }

build:
	$(GO) build -o $(BIN) ./cmd/compliance

vet:
	$(GO) vet ./...
	$(GO) vet -tags daily ./...

test: deps vet
	$(GO) test -count=1 ./...
	$(GO) test -count=1 -tags daily ./suites/...

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./fixtures/... ./reports/...

clean:
	rm -rf $(OUT) bin
