# The two commands of the README: `make run` and `make test`. Everything else serves them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test test-postgres lint bench messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Stamps re-install only when pyproject.toml changes.
$(VENV)/.app: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(VENV)/.app

run: $(VENV)/.app
	$(BIN)/crm

test: $(VENV)/.test
	$(BIN)/pytest

# The suite again on a PostgreSQL server (tests/postgres.py), but for the tests about SQLite's
# files (marked sqlite_only): `make test-postgres`, or some of it with POSTGRES_TESTS="tests/…".
CRM_TEST_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/test
POSTGRES_TESTS ?=
test-postgres: $(VENV)/.test
	CRM_TEST_DATABASE_URL=$(CRM_TEST_DATABASE_URL) $(BIN)/pytest $(POSTGRES_TESTS)

# ruff over everything, mypy --strict over crm/ outside crm/app (pyproject.toml: [tool.ruff], [tool.mypy]).
lint: $(VENV)/.test
	$(BIN)/ruff check crm widgets tests tools
	$(BIN)/mypy

bench: $(VENV)/.test
	$(BIN)/python tests/bench/run.py
	$(BIN)/python tests/bench/bench_review.py
	$(BIN)/python tests/bench/bench_import.py

# After changing a translatable string: crm/locale/rapport.pot and the ru/ro catalogs (tools/messages.py).
messages: $(VENV)/.app
	$(BIN)/python -m tools.messages

clean:
	rm -rf $(VENV) build *.egg-info
