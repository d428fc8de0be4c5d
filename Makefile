# hoctap: `make run` starts the platform, `make test` runs every test. Both set up what they need.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: run run-single install test test-fast lint bench clean

$(BIN)/python:
	scripts/sysdeps.sh build
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PIP) install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

# JupyterHub's proxy, from the npm registry (package.json, package-lock.json).
node_modules/.bin/configurable-http-proxy: package.json package-lock.json
	scripts/sysdeps.sh build
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

## run: install into .venv, seed the demo, start JupyterHub on 127.0.0.1 (Ctrl-C stops)
run: $(VENV)/.installed node_modules/.bin/configurable-http-proxy
	$(BIN)/hoctap demo
	$(BIN)/hoctap hub

## run-single: the same demo without the hub: one JupyterLab and Voilà, for a trainer alone
run-single: $(VENV)/.installed
	$(BIN)/hoctap demo
	$(BIN)/hoctap serve

## test: every test, the slow ones too (real PostgreSQL, JupyterLab, Voilà, Chromium).
## The fast ones share the two cores (pytest-xdist); the slow ones run one at a time, since
## they start servers and measure time.
test: $(VENV)/.installed-test node_modules/.bin/configurable-http-proxy
	scripts/sysdeps.sh test
	$(BIN)/python -m pytest -m "not slow" -n 2
	$(BIN)/python -m pytest -m slow

## test-fast: the fast tests only (what plain `pytest` runs)
test-fast: $(VENV)/.installed-test
	$(BIN)/python -m pytest

## lint: ruff, ruff format, mypy (strict) and the import contract (layers, no cycles: pyproject.toml)
lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/bench_roster_import.py
	$(BIN)/python benchmarks/bench_grade.py
	$(BIN)/python benchmarks/bench_rank_forms.py
	$(BIN)/python benchmarks/bench_leaderboard.py
	$(BIN)/python benchmarks/bench_certificates.py
	$(BIN)/python benchmarks/bench_contest_load.py
	$(BIN)/python benchmarks/bench_contest_page.py

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache
