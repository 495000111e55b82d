# ContactDesk developer commands.  `make test` is the one command a newcomer needs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=
LOCK_ARGS ?=
export UV_NATIVE_TLS ?= 1

.PHONY: help setup setup-test run test lint lock bench clean distclean

help:
	@echo "make setup      install system libraries and the app into .venv"
	@echo "make run        setup, migrate the database, load demo data (if empty), start the GUI"
	@echo "make test       setup (with PostgreSQL and test tools), then run pytest"
	@echo "                  pass pytest options with PYTEST_ARGS='-k name -x'"
	@echo "make lint       ruff check"
	@echo "make lock       regenerate requirements/lock*.txt (LOCK_ARGS=--upgrade to bump versions)"
	@echo "make bench      every hot path on SQLite and PostgreSQL at 10k/100k/1M cases -> benchmarks/results.md"
	@echo "                  make bench-quick: 10k and 100k only; BENCH_PG_URL=... to use a server"
	@echo "make dist       the self-contained desktop bundle dist/contactdesk/ and its .tar.gz"
	@echo "                  make dist-smoke: build it and run the bundle's smoke tests"
	@echo "make clean      remove caches and build output;  make distclean also removes .venv"

setup:
	@bash scripts/setup.sh

setup-test:
	@bash scripts/setup.sh --test

run: setup
	$(VENV)/bin/contactdesk db upgrade
	$(VENV)/bin/contactdesk demo-data --if-empty
	$(VENV)/bin/contactdesk gui

# pytest's exit code is kept (5 = no tests collected fails too); when
# PYTEST_EXIT_CODE_FILE is set it is also written there (used by .ci/run).
test: export QT_QPA_PLATFORM = offscreen
test: setup-test
	@rc=0; $(PY) -m pytest $(PYTEST_ARGS) || rc=$$?; \
	if [ -n "$${PYTEST_EXIT_CODE_FILE:-}" ]; then echo "$$rc" > "$$PYTEST_EXIT_CODE_FILE"; fi; \
	if [ "$$rc" -eq 5 ]; then echo "make test: FAILED: pytest collected no tests (exit code 5)" >&2; fi; \
	exit $$rc

lint: setup-test
	$(VENV)/bin/ruff check .

lock:
	@bash scripts/setup.sh --uv-only
	$(VENV)/bin/uv pip compile pyproject.toml --universal --python-version 3.11 \
		--custom-compile-command "make lock" $(LOCK_ARGS) -o requirements/lock.txt
	$(VENV)/bin/uv pip compile pyproject.toml --extra test --universal --python-version 3.11 \
		--custom-compile-command "make lock" $(LOCK_ARGS) -o requirements/lock-test.txt

# Every hot path on SQLite and PostgreSQL at each size, beside its floor, written to
# benchmarks/results.md. Each size's data is bulk loaded once and reused while its recipe holds
# (SQLite files in benchmarks/data/; on a throwaway server, made again each run).
# BENCH_PG_URL: a PostgreSQL server to use (its login needs CREATEDB); without it a throwaway
# one is started with the tests' helper and stopped afterwards. Every row is measured even when
# one misses its target; make bench fails if any did at the largest size.
BENCH_SIZES ?= 10000,100000,1000000
BENCH_QUICK_SIZES ?= 10000,100000
BENCH_RUNS ?= 9
BENCH_PG_URL ?=
BENCH_DB_ARGS = --db sqlite $(if $(BENCH_PG_URL),--db $(BENCH_PG_URL),--throwaway-postgres)
bench: setup-test
	$(PY) benchmarks/harness.py $(BENCH_DB_ARGS) --sizes $(BENCH_SIZES) --runs $(BENCH_RUNS)

.PHONY: bench-quick
bench-quick: setup-test
	$(PY) benchmarks/harness.py $(BENCH_DB_ARGS) --sizes $(BENCH_QUICK_SIZES) --runs $(BENCH_RUNS)

clean:
	rm -rf build dist .pytest_cache .ruff_cache .hypothesis .coverage htmlcov
	find . -path ./$(VENV) -prune -o \( -name __pycache__ -o -name '*.egg-info' \) -type d -print0 \
		| xargs -0 -r rm -rf

# The one-folder desktop bundle (PyInstaller) and dist/contactdesk-<version>-<os>-<arch>.tar.gz.
.PHONY: dist dist-smoke
dist:
	@bash scripts/setup.sh --dist
	bash packaging/build.sh --out dist --work build

dist-smoke: export QT_QPA_PLATFORM = offscreen
dist-smoke: setup-test
	$(PY) -m pytest -p no:cacheprovider tests/packaging $(PYTEST_ARGS)

distclean: clean
	rm -rf $(VENV)
