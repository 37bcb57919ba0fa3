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

.PHONY: help run test check lint format soak fuzz bench clean system-deps

help: ## list the tasks
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-8s %s\n", $$1, $$2}'

# Debian packages: PostgreSQL (store tests on a throwaway server), and Pango, HarfBuzz and a font
# for WeasyPrint's PDF reports. Installed only when missing; without apt-get the PostgreSQL tests
# skip and say why.
DEBIAN_DEPS := postgresql libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
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

run: $(STAMP) system-deps ## assess every example intake, print it and write its reports to reports/out/
	@mkdir -p $(REPORTS)
	@for f in examples/*.yaml; do \
		echo "=== $$f"; \
		n=$(REPORTS)/$$(basename "$$f" .yaml); \
		$(BIN)/backexpert assess "$$f" --html "$$n.html" --pdf "$$n.pdf" --handout "$$n-handout.pdf" || exit $$?; \
	done

check: $(STAMP) ## lint, format check, strict typing (src and tests) and the YAML files
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/mypy src tests
	$(BIN)/python -m backexpert.tools.check_yaml rules examples tests/cases

format: $(STAMP) ## apply the formatter and safe lint fixes
	$(BIN)/ruff format $(LINTED)
	$(BIN)/ruff check --fix $(LINTED)

test: check system-deps ## the whole test suite (after the checks), on both cores, with a coverage gate
	$(BIN)/pytest -n 2 --cov --cov-report=term --cov-fail-under=$(COVERAGE)

soak: $(STAMP) ## the hypothesis safety properties with 100,000 examples each
	HYPOTHESIS_PROFILE=soak $(BIN)/pytest -n 2 -m property

# The command line against hostile input, long: every fuzz property with 2,000 examples (the
# quick suite runs 20), then every hostile file, large ones and random mutants through the real
# `backexpert`, each with a time limit and a memory bound (FUZZ_TIMEOUT, FUZZ_MAX_RSS_MB).
fuzz: $(STAMP) system-deps ## fuzz the command line for a long time: fails on a traceback, hang or memory blow-up
	HYPOTHESIS_PROFILE=soak $(BIN)/pytest -n 2 -m property tests/fuzz -p no:cacheprovider
	$(BIN)/python tests/fuzz/soak.py $(or $(MUTANTS),2000)

bench: $(STAMP) ## performance numbers
	@for f in $(wildcard benchmarks/*.py); do echo "=== $$f"; $(BIN)/python "$$f" || exit $$?; done

clean: ## remove the virtual environment and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
