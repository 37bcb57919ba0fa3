# BackExpert developer tasks. `make run` and `make test` work on a fresh machine.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3.12)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LINTED := src tests $(wildcard benchmarks/*.py)
# The coverage the suite reaches today (95%); make test fails below this gate.
COVERAGE := 93
REPORTS := reports/out

.PHONY: help run test check lint format soak fuzz bench clean system-deps e2e front-end

help: ## list the tasks
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-8s %s\n", $$1, $$2}'

# Debian packages: PostgreSQL (store tests on a throwaway server), and Pango, HarfBuzz and the fonts
# for WeasyPrint's PDF reports (the handout is set in DejaVu Sans Condensed, from the extra set),
# and Chromium for the web app's browser tests. Installed only when
# missing; without apt-get the PostgreSQL and browser tests skip and say why.
DEBIAN_DEPS := postgresql libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-dejavu-extra chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

system-deps: ## install the Debian packages the store tests and PDF reports need, when missing
	@missing=$$(for p in $(DEBIAN_DEPS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		if command -v apt-get >/dev/null; then \
			echo "installing $$missing"; \
			{ $(SUDO) apt-get update -qq && \
			  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; } || \
			echo "could not install $$missing: the PostgreSQL store tests will skip and say why"; \
		else echo "no apt-get: not installing $$missing"; fi; \
	fi

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "BackExpert needs Python 3.11 or 3.12 (durable-rules does not import on 3.13)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Front-end packages from the npm registry, never copied into the repository: the web app serves
# htmx from here (it works without it too: every form is a plain form).
HTMX := $(VENV)/share/backexpert/node_modules/htmx.org/dist/htmx.min.js
$(HTMX): | $(STAMP)
	@command -v npm >/dev/null || { echo "no npm: the web app runs without htmx (plain forms)"; exit 0; }; \
	npm install --silent --no-audit --no-fund --prefix $(VENV)/share/backexpert htmx.org@2 || \
	echo "npm install htmx.org failed: the web app runs without htmx (plain forms)"

front-end: $(HTMX) ## install the web app's front-end packages (htmx) from npm

run: $(STAMP) system-deps front-end ## assess every example intake and write its reports; say how to start the web app
	@mkdir -p $(REPORTS)
	@for f in examples/*.yaml; do \
		echo "=== $$f"; \
		n=$(REPORTS)/$$(basename "$$f" .yaml); \
		$(BIN)/backexpert assess "$$f" --html "$$n.html" --pdf "$$n.pdf" --handout "$$n-handout.pdf" || exit $$?; \
	done
	@echo
	@echo "The web app (docs/web.md):"
	@echo "  $(BIN)/backexpert users add --clinic \"North Clinic\" --email ana@example.org"
	@echo "  $(BIN)/backexpert serve            # then open http://127.0.0.1:8000"

check: $(STAMP) ## lint, format check, strict typing (src and tests) and the YAML files
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/mypy src tests
	$(BIN)/python -m backexpert.tools.check_yaml rules examples tests/cases

format: $(STAMP) ## apply the formatter and safe lint fixes
	$(BIN)/ruff format $(LINTED)
	$(BIN)/ruff check --fix $(LINTED)

test: check system-deps front-end ## the whole test suite (after the checks), on both cores, with a coverage gate
	$(BIN)/pytest -n 2 --cov --cov-report=term --cov-fail-under=$(COVERAGE)

soak: $(STAMP) ## the hypothesis safety properties with 100,000 examples each
	HYPOTHESIS_PROFILE=soak $(BIN)/pytest -n 2 -m property

e2e: $(STAMP) system-deps front-end ## the longer browser and API-fuzzing runs of the web app
	BACKEXPERT_E2E_LONG=1 $(BIN)/pytest -p no:cacheprovider tests/web/test_e2e.py tests/web/test_fuzz.py

# The command line against hostile input, long: every fuzz property with 2,000 examples (the
# quick suite runs 20), then every hostile file, large ones and random mutants through the real
# `backexpert`, each with a time limit and a memory bound (FUZZ_TIMEOUT, FUZZ_MAX_RSS_MB).
fuzz: $(STAMP) system-deps ## fuzz the command line for a long time: fails on a traceback, hang or memory blow-up
	HYPOTHESIS_PROFILE=soak $(BIN)/pytest -n 2 -m property tests/fuzz -p no:cacheprovider
	$(BIN)/python tests/fuzz/soak.py $(or $(MUTANTS),2000)

# `make bench` runs every script in benchmarks/ in a few minutes, at the quick sizes of BENCH_QUICK
# (script=arguments; impact at 2,000 clients, shorter soaks); `make bench BENCH_FULL=1` runs each
# at its own full size (impact: 100,000 clients, about 35 minutes). See benchmarks/README.md.
BENCH_QUICK := impact.py=--clients=2000 assess.py=--soak=5000 engine.py=--reps=6,--soak=5000 \
	report.py=--html-runs=10,--pdf-runs=3 instructions.py=--intakes=100

bench: $(STAMP) system-deps front-end ## performance numbers in a few minutes (BENCH_FULL=1: full sizes, ~40 min)
	@failed=""; for f in $(wildcard benchmarks/*.py); do \
		name=$$(basename "$$f"); args=""; \
		if [ -z "$(BENCH_FULL)" ]; then \
			for q in $(BENCH_QUICK); do [ "$${q%%=*}" = "$$name" ] && args="$${q#*=}"; done; \
			args="$${args//,/ }"; \
		fi; \
		echo "=== $$f $$args"; start=$$SECONDS; \
		$(BIN)/python "$$f" $$args || failed="$$failed $$name"; \
		echo "(done in $$((SECONDS - start)) s)"; \
	done; \
	if [ -n "$$failed" ]; then echo "missed a target or failed:$$failed"; exit 1; fi

clean: ## remove the virtual environment and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
