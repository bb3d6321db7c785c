# CodePark for Jupyter: `make demo` runs the product, `make test` runs every test.
# Both install everything they need on a fresh Debian machine (root, Python 3.11, Node 20).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV ?= .venv
PY := $(CURDIR)/$(VENV)/bin/python
DEMO_PORT ?= 8888
DEMO_DIR ?= $(CURDIR)/demo
export PATH := $(CURDIR)/$(VENV)/bin:$(CURDIR)/node_modules/.bin:$(PATH)
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# Debian packages: command that proves it is there -> package that provides it
SYSTEM_DEPS := git:git bwrap:bubblewrap chromium:chromium pg_ctlcluster:postgresql

TS_SOURCES := $(shell find labextension/src labextension/style labextension/schema -type f 2>/dev/null)
LAB_BUILT := jupyter_codepark/prebuilt_labextension/package.json

.PHONY: help demo test test-python test-ts lint bench system-deps install install-test clean

help:
	@echo "make demo   - install everything and run JupyterLab with CodePark on a sample repository"
	@echo "make test   - install everything and run the Python, TypeScript and browser tests"
	@echo "make bench  - run the benchmarks (ratios against baselines measured in the same run)"
	@echo "make lint   - ruff, ruff format --check, prettier --check, eslint"

system-deps:
	@missing=(); \
	for dep in $(SYSTEM_DEPS); do \
	  command -v "$${dep%%:*}" >/dev/null 2>&1 || missing+=("$${dep##*:}"); \
	done; \
	if (( $${#missing[@]} )); then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian packages: $${missing[*]}"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$${missing[@]}" >/dev/null; \
	  else \
	    echo "Missing system packages: $${missing[*]} (run: sudo apt-get install $${missing[*]})"; exit 1; \
	  fi; \
	fi

$(VENV)/.created:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -U pip
	$(PY) -m pip install -q hatchling hatch-jupyter-builder hatch-nodejs-version "jupyter-builder>=1.2,<2" editables
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# configurable-http-proxy for the JupyterHub deployment and its live test (hub/)
hub/node_modules/.installed: hub/package.json hub/package-lock.json
	npm ci --prefix hub --no-audit --no-fund --loglevel=error
	touch $@

$(LAB_BUILT): node_modules/.installed $(VENV)/.created $(TS_SOURCES) tsconfig.json
	npm run --silent build:prod

# The package is installed editable with the semantic search model and the jupyter-ai persona
# (the demo shows every feature); the prebuilt lab extension is copied into the venv.
$(VENV)/.installed: $(VENV)/.created $(LAB_BUILT) pyproject.toml
	SKIP_JUPYTER_BUILDER=1 $(PY) -m pip install -q --no-build-isolation -e ".[search,ai]"
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	SKIP_JUPYTER_BUILDER=1 $(PY) -m pip install -q --no-build-isolation -e ".[test,bench]"
	touch $@

install: system-deps $(VENV)/.installed
install-test: system-deps $(VENV)/.installed-test hub/node_modules/.installed

demo: install
	@mkdir -p "$(DEMO_DIR)/workspace"
	@if [ ! -d "$(DEMO_DIR)/workspace/jupyter-codepark/.git" ]; then \
	  git clone -q "$(CURDIR)" "$(DEMO_DIR)/workspace/jupyter-codepark" 2>/dev/null \
	    && echo "Sample repository: a clone of this project in $(DEMO_DIR)/workspace/jupyter-codepark" \
	    || echo "No history to clone here; continuing with the synthetic sample only"; \
	fi
	@if [ ! -d "$(DEMO_DIR)/workspace/sample-shop/.git" ] && [ -f bench/synthrepo.py ]; then \
	  $(PY) bench/synthrepo.py "$(DEMO_DIR)/workspace/sample-shop" --commits 1500 --files 120 --authors 6 --seed 7 >/dev/null \
	    && echo "Sample repository: a synthetic shop in $(DEMO_DIR)/workspace/sample-shop"; \
	fi
	@cp -rn notebooks "$(DEMO_DIR)/workspace/" 2>/dev/null || true
	@for repo in "$(DEMO_DIR)"/workspace/*/; do \
	  [ -d "$$repo.git" ] || continue; \
	  echo "Analysing $$repo ..."; \
	  $(VENV)/bin/codepark analyze "$$repo" --no-progress --top 3 \
	    --store "sqlite:///$(DEMO_DIR)/codepark.sqlite" || true; \
	done
	@token=$$($(PY) -c 'import secrets; print(secrets.token_hex(16))'); \
	echo; echo "CodePark demo: http://127.0.0.1:$(DEMO_PORT)/lab?token=$$token"; echo; \
	CODEPARK_STORE_URL="sqlite:///$(DEMO_DIR)/codepark.sqlite" \
	exec $(PY) -m jupyterlab --no-browser --ip=127.0.0.1 --port=$(DEMO_PORT) \
	  --ServerApp.root_dir="$(DEMO_DIR)/workspace" --IdentityProvider.token="$$token" \
	  $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

test: install-test lint test-ts test-python

test-ts: node_modules/.installed
	npx vitest run

test-python: install-test
	$(PY) -m pytest

lint: $(VENV)/.installed-test node_modules/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	npx prettier --check "labextension/**/*.{ts,tsx,css,json}" --log-level warn
	npx eslint labextension/src labextension/test

bench: install-test
	@set -e; for script in bench/bench_*.py; do \
	  echo "== $$script"; $(PY) "$$script"; echo; \
	done

clean:
	rm -rf labextension/lib jupyter_codepark/prebuilt_labextension tsconfig.tsbuildinfo $(VENV)/.installed $(VENV)/.installed-test
