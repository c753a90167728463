# Knowledge Vault — `make run` serves the app, `make test` runs the whole suite. Nothing to install by hand.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed-$(shell sha1sum requirements.txt | cut -c1-12)
DEV_STAMP := $(VENV)/.installed-dev-$(shell cat requirements.txt requirements-dev.txt | sha1sum | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: install install-dev setup static run serve-prod worker test check lint chromium clean-db bench lock

$(PY):
	$(PYTHON) -m venv $(VENV)

# The runtime set (requirements.txt) for `make run`; the dev set (requirements-dev.txt: tests, checks,
# fuzzing, benchmarks) on top for `make test` and `make check`. Both are pip-tools locks with hashes.
$(STAMP): requirements.txt | $(PY)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0   # first, alone: the CPU build, never a CUDA one
	$(BIN)/pip install --quiet --require-hashes -r requirements.txt
	rm -f $(VENV)/.installed-*; touch $@

$(DEV_STAMP): $(STAMP) requirements-dev.txt
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.txt
	rm -f $(VENV)/.installed-dev-*; touch $@

install: $(STAMP)
install-dev: $(DEV_STAMP)

# Recompile both locks after editing requirements.in or requirements-dev.in (needs the index).
lock: install-dev
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe -o requirements.txt requirements.in
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe -o requirements-dev.txt requirements-dev.in

# Idempotent, and quick when nothing changed: migrate, import the corpus, (re)build graphs and the
# search index in one process (`manage.py setup_vault`), and collect static files only when the static
# tree, the lock or the storage changed (scripts/static_stamp.sh names that state).
setup: install static
	$(PY) manage.py setup_vault

STATIC_STAMP = var/staticfiles/.collected-$(shell VAULT_ENV=$(VAULT_ENV) bash scripts/static_stamp.sh)
static: install
	@if [ ! -e $(STATIC_STAMP) ]; then \
	  echo "collectstatic (the static tree changed)"; \
	  $(PY) manage.py collectstatic --noinput --clear -v0 && rm -f var/staticfiles/.collected-* && touch $(STATIC_STAMP); \
	fi

# Web server and a Celery worker; Ctrl-C stops both.
run: setup
	@echo "Knowledge Vault: http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	@trap 'kill 0' EXIT INT TERM; \
	$(BIN)/celery -A vault worker --loglevel=INFO --concurrency=2 --without-gossip --without-mingle & \
	$(PY) manage.py runserver $(HOST):$(PORT) --noreload

# Production: gunicorn (vault/gunicorn.conf.py, WhiteNoise for static files) and a Celery worker, on
# PostgreSQL and Redis from the environment. VAULT_ENV=production refuses to start without SECRET_KEY,
# DATABASE_URL, CELERY_BROKER_URL and ALLOWED_HOSTS, and nothing is served unless `check --deploy`
# is clean. README.md, "Production", lists the variables.
serve-prod: export VAULT_ENV := production
serve-prod: setup
	$(PY) manage.py check --deploy --fail-level WARNING
	@echo "Knowledge Vault (production): gunicorn on $${GUNICORN_BIND:-127.0.0.1:8000}  (Ctrl-C to stop)"
	@trap 'kill 0' EXIT INT TERM; \
	$(BIN)/celery -A vault worker --loglevel=INFO --concurrency=2 --without-gossip --without-mingle & \
	$(BIN)/gunicorn -c vault/gunicorn.conf.py

worker: install
	$(BIN)/celery -A vault worker --loglevel=INFO --concurrency=2 --without-gossip --without-mingle

# Debian's Chromium for the browser tests (Playwright drives it; no browser is ever downloaded).
chromium:
	@command -v /usr/bin/chromium >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium; }

test: install-dev chromium
	$(PY) manage.py compilemessages --ignore=.venv -v0 2>/dev/null || true
	$(PY) -m pytest $(PYTEST_ARGS)

# Lint, formatting and types, as CI and the pre-commit hooks run them (configuration: pyproject.toml).
check: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

lint: check

# Every benchmark (bench/*.py) and the load test (bench/load/, needs PostgreSQL and Redis on
# 127.0.0.1), one after another; writes bench/REPORT.md. BENCH_ARGS="--skip load", "--only import"…
bench: setup install-dev
	$(PY) bench/report.py $(BENCH_ARGS)

clean-db:
	rm -rf var/
