# shebao — the README's two commands and their helpers.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SHEBAO := $(VENV)/bin/shebao
HOST ?= 127.0.0.1
PORT ?= 8000
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test
# The suite runs on every core (pytest-xdist), each worker on its own test database. ``load``
# hands each worker its tests in the collection order, where pytest-django put the transactional
# tests last: no flush between them empties a later test's tables (``loadfile`` would break that).
TEST_WORKERS ?= auto
PYTEST := $(PY) -m pytest -q -p no:cacheprovider -n $(TEST_WORKERS) --dist load

.PHONY: demo test test-sqlite test-postgres lint bench clean install

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

# Without SHEBAO_ENV shebao runs as production (DEBUG off, the demo secret refused): the demo and
# the tests say which they are, and the demo prints its own address on documents.
DEMO_ENV := SHEBAO_ENV=demo SHEBAO_PUBLIC_URL=$${SHEBAO_PUBLIC_URL:-http://$(HOST):$(PORT)}
TEST_ENV := SHEBAO_ENV=test

## make demo: the embedded SQLite database under var/, demo data, http://127.0.0.1:8000
demo: $(VENV)/.installed
	mkdir -p var
	$(DEMO_ENV) $(SHEBAO) migrate --no-input -v 0
	$(DEMO_ENV) $(SHEBAO) seed --demo
	$(DEMO_ENV) $(SHEBAO) catalog sync
	$(DEMO_ENV) $(SHEBAO) serve $(HOST):$(PORT)

## make test: lint, layer contracts, types, migrations check, the suite on SQLite, then on PostgreSQL
test: $(VENV)/.installed
	$(VENV)/bin/ruff check --quiet src tests bench
	$(VENV)/bin/lint-imports --no-cache
	$(TEST_ENV) $(VENV)/bin/mypy
	$(TEST_ENV) $(SHEBAO) makemigrations --check --dry-run -v 0
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite: $(VENV)/.installed
	$(TEST_ENV) SHEBAO_TEST_PASS=sqlite $(PYTEST)

# Runs when PostgreSQL is reachable; under CI=true it is mandatory and a missing server fails.
test-postgres: $(VENV)/.installed
	@if $(PY) -m shebao.devtools.pgcheck "$(PG_TEST_URL)"; then \
		$(TEST_ENV) SHEBAO_TEST_PASS=postgres DATABASE_URL="$(PG_TEST_URL)" $(PYTEST); \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL is not reachable at $(PG_TEST_URL): under CI=true the PostgreSQL pass is mandatory"; exit 1; \
	else \
		echo "PostgreSQL not reachable at $(PG_TEST_URL): PostgreSQL pass not run (it is mandatory under CI=true)"; \
	fi

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/lint-imports
	$(TEST_ENV) $(VENV)/bin/mypy

bench: $(VENV)/.installed
	$(DEMO_ENV) $(PY) bench/seed_bench.py --persons 100000
	$(PY) bench/cases_bench.py  # sets its own production environment

clean:
	rm -rf var/shebao.sqlite3* var/static var/audit  # the checkpoints anchor that database's audit chain
