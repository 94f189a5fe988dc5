# Two commands set everything up: `make run` (embedded demo) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test bench lint docs install migrate demo static worker clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo

# Hashed, pre-compressed static files with far-future cache headers (see STATICFILES_BACKEND in settings).
static: install
	$(PY) manage.py collectstatic --noinput --verbosity 0

# Web server + Celery worker with embedded beat on the filesystem broker; Ctrl-C stops all of them.
run: demo static
	@echo ""
	@echo "  Mở / Open: http://$(HOST):$(PORT)/   (demo logins: see README.md or the list above)"
	@echo ""
	@trap 'kill 0' INT TERM EXIT; \
	$(VENV)/bin/celery -A config worker -B --loglevel=WARNING --concurrency=1 \
		--schedule=var/celerybeat-schedule & \
	$(PY) manage.py runserver --noreload $(HOST):$(PORT)

test: install
	$(VENV)/bin/pytest $(PYTEST_ARGS)

bench: install
	$(PY) -m bench.run

# lint-imports: the floors, fastpath's wall and no cycles (the contracts are in pyproject.toml).
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

# The floors chart of docs/architecture.md, drawn from the import-linter contract and the code's imports.
docs: install
	$(PY) docs/draw_floors.py

clean:
	rm -rf $(VENV) var
