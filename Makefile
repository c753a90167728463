# Knowledge Vault — `make run` serves the app, `make test` runs the whole suite. Nothing to install by hand.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed-$(shell sha1sum requirements.txt | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: install setup run serve-prod worker test test-fast lint chromium clean-db bench

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt | $(PY)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0   # first, alone: the CPU build, never a CUDA one
	$(BIN)/pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-*; touch $@

install: $(STAMP)

# Idempotent: migrate, collect static files, import the corpus, (re)build graphs and the search index.
setup: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py import_vault
	$(PY) manage.py rebuild_graphs --quiet
	$(PY) manage.py rebuild_search_index

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

test: install chromium
	$(PY) manage.py compilemessages --ignore=.venv -v0 2>/dev/null || true
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

# Every benchmark (bench/*.py) and the load test (bench/load/, needs PostgreSQL and Redis on
# 127.0.0.1), one after another; writes bench/REPORT.md. BENCH_ARGS="--skip load", "--only import"…
bench: setup
	$(PY) bench/report.py $(BENCH_ARGS)

clean-db:
	rm -rf var/
