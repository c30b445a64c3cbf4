# sevasetu: `make run` serves the demo district, `make test` runs the suite. `make help` lists all.
.DEFAULT_GOAL := help
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# PostgreSQL tests run when this answers (always in CI, where it is mandatory).
export SEVASETU_TEST_PG_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: help venv run test test-fast browser lint fmt bench messages clean

help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@echo "==> creating $(VENV) and installing sevasetu with its tools"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --disable-pip-version-check -q --upgrade pip
	@$(BIN)/python -m pip install --disable-pip-version-check --progress-bar on -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP) ## create .venv and install (only when pyproject.toml changed)

run: venv ## migrate var/sevasetu.db, load the demo district if empty, serve on http://127.0.0.1:8000 with a worker
	@$(BIN)/sevasetu db upgrade
	@$(BIN)/sevasetu demo load --if-empty
	@echo "==> sevasetu on http://127.0.0.1:8000  (log in as asha.nadia / sevasetu-demo)"
	@$(BIN)/sevasetu worker --interval 2 & worker=$$!; \
	  trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	  $(BIN)/sevasetu serve --host 127.0.0.1 --port 8000

browser: ## install Debian's Chromium and Noto fonts (Bengali, Devanagari) for the page tests, if missing
	@{ command -v chromium >/dev/null 2>&1 && dpkg -s fonts-noto-core >/dev/null 2>&1; } || { \
	  echo "==> installing Debian's chromium and fonts-noto-core for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core >/dev/null; }

test: venv browser ## run the whole suite on SQLite, and on PostgreSQL when it answers
	@$(BIN)/pytest -n 2 --dist loadfile

test-fast: venv ## the suite without the browser
	@$(BIN)/pytest -n 2 --dist loadfile -m "not browser"

lint: venv ## ruff, mypy and the import contracts (the domain stays pure)
	@$(BIN)/ruff check src tests bench
	@$(BIN)/ruff format --check src tests bench
	@$(BIN)/lint-imports
	@$(BIN)/mypy

fmt: venv ## format and fix what ruff can
	@$(BIN)/ruff format src tests bench
	@$(BIN)/ruff check --fix src tests bench

messages: venv ## re-extract translatable strings and update the bn/hi catalogues
	@$(BIN)/python scripts/i18n_extract.py

bench: venv ## run the benchmarks on PostgreSQL and SQLite (1M people; minutes); see docs/benchmarks.md
	@command -v wrk >/dev/null 2>&1 || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	@$(BIN)/python bench/load_people.py --people 1000000
	@$(BIN)/python bench/api_throughput.py --people 1000000

clean: ## remove the venv, databases and caches
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache .hypothesis
