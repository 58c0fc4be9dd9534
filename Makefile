# KeyProjects: `make run` serves the demo city, `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1:8000

.PHONY: run serve test lint format bench seed clean screenshots

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit("KeyProjects 需要 Python 3.11 或更高版本" if sys.version_info < (3, 11) else 0)'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	@touch $@

$(VENV)/.dev: requirements-dev.lock $(VENV)/.runtime
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock
	@touch $@

## run: create the environment, migrate SQLite, load the demo city once, serve on 127.0.0.1:8000
## (DEBUG on; no Redis and no worker needed: jobs run in the request, the cache in process)
run: export DEBUG = 1
run: $(VENV)/.runtime
	@bash scripts/ensure-cjk-font
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --if-empty
	$(BIN)/python manage.py runserver $(HOST)

## test: lint, then the whole pytest suite (DATABASE_URL selects PostgreSQL; SQLite by default),
## spread over one process per core, test by test (pytest-xdist; PYTEST_ARGS="-p no:xdist": one process)
PYTEST_ARGS ?= -n auto --dist load
test: $(VENV)/.dev
	@bash scripts/ensure-chromium
	@bash scripts/ensure-cjk-font
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## serve: production start (README "Production"): migrate, collect static files, then gunicorn,
## a Celery worker and celery beat together (one machine; a Procfile gives them to a supervisor).
## Needs SECRET_KEY, DATABASE_URL, REDIS_URL, ALLOWED_HOSTS in the environment.
serve: $(VENV)/.runtime
	bash scripts/serve

## seed: a fresh demo database (drops nothing: use a new DATABASE_URL or delete var/db.sqlite3 first)
seed: export DEBUG = 1
seed: $(VENV)/.runtime
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo

## screenshots: the main pages of every demo role at 1440 and 390 px, Chinese and English, into screenshots/ (not committed)
screenshots: export DEBUG = 1
screenshots: $(VENV)/.dev
	@bash scripts/ensure-chromium
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --if-empty
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf $(VENV) var/db.sqlite3* staticfiles .pytest_cache .ruff_cache

## bench: indicators_compute at province scale (SQLite, PostgreSQL) and the 50,000-row Excel import (see bench/README.md)
bench: $(VENV)/.dev
	bash bench/run
	$(BIN)/python bench/imports.py
	$(BIN)/python bench/documents.py
