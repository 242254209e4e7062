# connect-compliance. The two commands a fresh machine needs:
#   make daily   daily controls against the simulator, reports in out/daily
#   make test    every test of the project
SHELL := /bin/bash
OUT   ?= out
GO    ?= go
BIN   ?= bin/compliance

# The cadences (build tags and suite packages); see "Suites" below.
ALL_SUITES := daily monthly quarterly dr change

.PHONY: all deps build test vet bench clean iam-policy $(ALL_SUITES)

all: test

# --- Suites --------------------------------------------------------------------
# `make daily` exits with the report's code: 0 compliant, 1 non-compliant,
# 2 errors or controls not run. `make daily change` runs both suites, one
# after the other, and exits with the worst of their codes. GNU make turns
# any failing recipe into exit 2, never 1, so the suites run (`compliance
# run`) while this file is read, and a non-compliant worst result switches
# make to question mode (-q), where make exits 1 without running recipes.
# Output goes to the terminal as usual (stderr).
# Each run appends to the history ledger out/history/TAG.jsonl, from which the
# report marks controls overdue and shows the difference with the last run.
# A cadence of ALL_SUITES becomes a goal (`make monthly`) and part of
# `make test` as soon as its suite package has tests; nothing to edit here.
SUITES := $(foreach s,$(ALL_SUITES),$(if $(wildcard suites/$(s)/*_test.go),$(s)))
SUITE_GOALS := $(filter $(SUITES),$(MAKECMDGOALS))
ifneq ($(SUITE_GOALS),)
SUITE_EXIT := $(shell worst=0; \
                if ! $(GO) build -o $(BIN) ./cmd/compliance 1>&2; then worst=2; else \
                  for s in $(SUITE_GOALS); do \
                    $(abspath $(BIN)) run --tag $$s --out $(OUT)/$$s --history $(OUT)/history/$$s.jsonl 1>&2; \
                    code=$$?; if [ $$code -gt $$worst ]; then worst=$$code; fi; \
                  done; \
                fi; echo $$worst)
ifeq ($(SUITE_EXIT),1)
MAKEFLAGS += -q
endif
endif

$(SUITES):
	@exit $(SUITE_EXIT)

# A cadence whose suite does not exist yet is an error, never a silent pass.
NO_SUITE := $(filter-out $(SUITES),$(ALL_SUITES))
ifneq ($(NO_SUITE),)
$(NO_SUITE):
	@echo "make $@: suites/$@ has no controls yet" >&2; exit 2
endif

# --- Development ---------------------------------------------------------------
# What the tests need beyond Go, installed when missing (Debian; run as root
# for apt-get): xmllint validates JUnit against the schema, shellcheck checks
# the workflows' run: scripts (under actionlint), chromium renders the HTML
# report in the browser test, and two independent JUnit parsers read our
# junit.xml as CI tools do: Debian's python3-junitparser (for /usr/bin/python3)
# and npm's junit2json (pinned in reports/junit/testdata/parsers, installed
# there with npm ci; Node.js must be on the machine).
# A run of the suites needs none of them, only Go. Each DEPS entry is
# commands (any one will do):Debian package. $CHROMIUM (the browser test
# honours it) names another Chromium or Chrome binary.
DEPS := xmllint:libxml2-utils shellcheck:shellcheck chromium,chromium-browser,$(CHROMIUM):chromium
JUNIT_PARSERS := reports/junit/testdata/parsers
deps:
	@missing=""; for d in $(DEPS); do \
	  found=""; \
	  for c in $$(echo "$${d%%:*}" | tr , ' '); do command -v "$$c" >/dev/null 2>&1 && found=1; done; \
	  [ -n "$$found" ] || missing="$$missing $${d#*:}"; \
	done; \
	/usr/bin/python3 -c 'import junitparser' >/dev/null 2>&1 || missing="$$missing python3-junitparser"; \
	if [ -n "$$missing" ]; then \
	  echo "installing$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi
	@[ -f $(JUNIT_PARSERS)/node_modules/junit2json/package.json ] || \
	  npm ci --prefix $(JUNIT_PARSERS) --no-audit --no-fund --loglevel=error

build:
	$(GO) build -o $(BIN) ./cmd/compliance

comma := ,
empty :=
space := $(empty) $(empty)
SUITE_TAGS := $(subst $(space),$(comma),$(strip $(SUITES)))

vet:
	@unformatted=$$(gofmt -l .); if [ -n "$$unformatted" ]; then echo "gofmt -w these files:" $$unformatted >&2; exit 1; fi
	$(GO) vet ./...
	$(GO) vet -tags $(SUITE_TAGS) ./...

# Every test: unit tests, every simulator scenario through the suites, the
# IAM policy and call-log checks, actionlint over .github/workflows
# (deploy/), junit.xml read by two JUnit parsers (reports/junit: they fail,
# not skip, when CI is set and a parser is missing), then the suites
# themselves against the simulator.
# Every scenario through every suite takes longer than go test's default
# 10-minute limit on a 2-core machine, hence -timeout.
test: deps vet
	$(GO) test -count=1 -timeout 60m ./...
	$(GO) test -count=1 -tags $(SUITE_TAGS) $(addprefix ./suites/,$(SUITES))

# Regenerate the committed IAM policies from the client allowlists.
iam-policy:
	$(GO) run ./cmd/compliance iam-policy > deploy/iam/readonly-policy.json
	$(GO) run ./cmd/compliance iam-policy --drill > deploy/iam/drill-policy.json

# Benchmarks, each next to its baseline in the same run: the simulator against
# a bare net/http handler; compliance report against go-junit-report on the
# same input (BenchmarkRealistic10k: 10,000 controls, 500 failing, evidence per
# test; time-ratio and mem-ratio, peak RSS of each side in its own process).
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./fixtures/... ./helpers/connectflow/
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 5x ./reports/...

clean:
	rm -rf $(OUT) bin
