# caremarket: `make run` to start the service with demo data, `make test` to run every test.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := caremarket.settings

.DEFAULT_GOAL := help

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

caremarket/static/build/app.css: node_modules/.installed caremarket/assets/scss/app.scss
	npm run --silent build

install: $(VENV)/.installed node_modules/.installed caremarket/static/build/app.css ## Install Python and front-end dependencies

migrate: install ## Apply database migrations
	$(PY) manage.py migrate --noinput

# The demo's accounts use its published password, which only a demo site accepts (DEMO_SITE
# follows DEBUG), so the demo is loaded, like it is served, with DEBUG on unless told otherwise.
demo: export DEBUG ?= true
demo: migrate ## Load the demo data (once; safe to run again)
	$(PY) manage.py load_demo

# Links in e-mails and the printed address are the address this serves, unless SITE_URL is set.
run: export SITE_URL ?= http://$(HOST):$(PORT)
run: demo ## Start the web service and the task worker with demo data
	@DEBUG=$${DEBUG:-true} $(PY) manage.py demo_logins
	@echo "  (Ctrl+C stops the service and the worker)"
	@trap 'kill 0' INT TERM EXIT; \
	  DEBUG=$${DEBUG:-true} $(PY) manage.py run_huey --logfile=var/worker.log & \
	  DEBUG=$${DEBUG:-true} $(PY) manage.py runserver --noreload $(HOST):$(PORT)

test-tools: ## Install Debian's Chromium and LibreOffice for the tests (when missing)
	@bash scripts/ensure-test-tools

test: install test-tools ## Run the whole test suite (unit, API, browser)
	$(VENV)/bin/pytest -n 2 --dist loadgroup -q

lint: install ## ruff, import boundaries and the migrations check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

# The benchmarks and the production smoke test call the services too, so a changed signature
# must fail here rather than on the next benchmark run; each benchmark is its own script
# (several are named run.py), so each is checked on its own.
typecheck: install ## mypy with django-stubs (the app, the benchmarks, the smoke test)
	$(VENV)/bin/mypy caremarket
	$(VENV)/bin/mypy scripts/smoke_production.py
	for script in bench/*/run.py; do $(VENV)/bin/mypy --no-error-summary "$$script" || exit 1; done

format: install ## Format the code
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

smoke: install ## Two web nodes, the worker on Redis, PostgreSQL: booking and visit file across them
	$(PY) scripts/smoke_production.py

check: lint typecheck test ## Everything CI runs on SQLite

deploy-check: install ## Django's production checklist with production-like settings
	DEBUG=false SECRET_KEY=$$(openssl rand -hex 32) ALLOWED_HOSTS=care.example $(PY) manage.py check --deploy --fail-level WARNING

bench: install ## Run the benchmarks under bench/
	$(PY) bench/run.py

clean: ## Remove the virtualenv, built assets and local data
	rm -rf $(VENV) node_modules caremarket/static/build var

.PHONY: help install migrate demo run test-tools test lint typecheck format smoke check deploy-check bench clean
