# gup — everyday commands. `make help` lists them.
# The virtual environment lives in .venv; it is (re)installed only when pyproject.toml changes.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
# Extra pytest arguments, e.g. `make test ARGS="-k login -x"`.
ARGS ?=

export FLASK_APP := wsgi.py

.DEFAULT_GOAL := help
.PHONY: help venv run test test-slow test-pg test-browser test-all bench lint lint-imports i18n clean distclean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

RUN_STAMP := $(VENV)/.installed-run

# running gup needs only its own dependencies; the test tools (Playwright, pytest…) come with `make test`
$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	@touch $@

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $@ $(RUN_STAMP) $(BENCH_STAMP)

# the benchmarks need gup's dependencies and pypdf, not the browser or lint tools (a fresh clone installs less)
BENCH_STAMP := $(VENV)/.installed-bench
$(BENCH_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[bench]'
	@touch $@ $(RUN_STAMP)

venv: $(STAMP)  ## Create .venv and install gup with its test dependencies

run: $(RUN_STAMP)  ## Migrate, load the demo data if the database is empty, serve on 127.0.0.1:$PORT (5000)
	$(BIN)/flask db upgrade
	$(BIN)/flask gup demo --if-empty --welcome http://127.0.0.1:$${PORT:-5000}
	$(BIN)/flask run --host 127.0.0.1 --port $${PORT:-5000}

test: venv  ## Run the suite on SQLite (browser and slow tests excluded)
	$(BIN)/pytest -q -rs $(ARGS)

test-pg: venv  ## Run the suite on PostgreSQL (TEST_DATABASE_URL, default the local `test` database)
	TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -q -rs $(ARGS)

test-slow: venv  ## Run the HTTP fuzz and load tests (marker slow) on SQLite
	$(BIN)/pytest -q -rs -m slow $(ARGS)

test-browser: venv  ## Run the Playwright tests with /usr/bin/chromium (GUP_CHROMIUM to change it)
	$(BIN)/pytest -q -rs -m browser tests/browser $(ARGS)

test-all: test test-slow test-pg test-browser  ## SQLite (with the slow tests), PostgreSQL and browser runs

bench: $(BENCH_STAMP)  ## Every benchmark on SQLite and PostgreSQL vs its bare baseline: bench/results.json, bench/summary.md
	$(BIN)/python -m tests.bench_all $(ARGS)

lint: venv  ## ruff (rules in pyproject.toml) and the import contracts
	$(BIN)/ruff check gup tests config.py wsgi.py
	$(BIN)/lint-imports

lint-imports: venv  ## Check the import contracts (no cycle; aggregators, features, core layers): pyproject.toml
	$(BIN)/lint-imports

i18n: venv  ## Extract messages, refresh the fr/en catalogs (French filled from the msgids), compile them
	$(BIN)/python -c "from gup.i18n_catalog import update; print('untranslated:', update())"

clean:  ## Remove caches and build leftovers (keeps .venv and instance/)
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +
	rm -rf .pytest_cache test-results build *.egg-info

distclean: clean  ## clean, and remove .venv too
	rm -rf $(VENV)
