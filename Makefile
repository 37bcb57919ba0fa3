# BackExpert developer tasks. `make run` and `make test` work on a fresh machine.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3.12)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# WeasyPrint (PDF reports) needs Pango and HarfBuzz from the system, and a font to draw with.
REPORT_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
REPORTS := reports/out

.PHONY: help run test check lint format soak bench clean

help: ## list the tasks
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-8s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "BackExpert needs Python 3.11 or 3.12 (durable-rules does not import on 3.13)"; exit 1; }
	@if command -v dpkg-query >/dev/null; then \
		missing=$$(for p in $(REPORT_DEBS); do \
			dpkg-query -W -f='$${db:Status-Abbrev}' $$p 2>/dev/null | grep -q '^ii' || echo $$p; done); \
		if [ -n "$$missing" ]; then \
			echo "installing WeasyPrint's system libraries:" $$missing; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
		fi; \
	fi
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP) ## assess every example intake, print it and write its reports to reports/out/
	@mkdir -p $(REPORTS)
	@for f in examples/*.yaml; do \
		echo "=== $$f"; \
		n=$(REPORTS)/$$(basename "$$f" .yaml); \
		$(BIN)/backexpert assess "$$f" --html "$$n.html" --pdf "$$n.pdf" --handout "$$n-handout.pdf" || exit $$?; \
	done

check: $(STAMP) ## lint, format check and strict typing
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy src

format: $(STAMP) ## apply the formatter and safe lint fixes
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

test: check ## the whole test suite (after the checks)
	$(BIN)/pytest

bench: $(STAMP) ## performance numbers
	@for f in $(wildcard benchmarks/*.py); do echo "=== $$f"; $(BIN)/python "$$f" || exit $$?; done

clean: ## remove the virtual environment and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
