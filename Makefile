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
	@echo "make bench      time the case list, telephony import, year to date and reports on SQLite"
	@echo "make clean      remove caches and build output;  make distclean also removes .venv"

setup:
	@bash scripts/setup.sh

setup-test:
	@bash scripts/setup.sh --test

# The installed packages' bytecode, compiled once per lock file: where PYTHONDONTWRITEBYTECODE
# is set, Python would otherwise compile SQLAlchemy and the rest again on every start.
BYTECODE_STAMP := $(VENV)/.bytecode-compiled
$(BYTECODE_STAMP): requirements/lock.txt
	@echo "compiling the installed packages once (a faster start from now on)..."
	@$(PY) -m compileall -q -j0 "$$($(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" \
		>/dev/null 2>&1 || true
	@touch $@

run: setup $(BYTECODE_STAMP)
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

# The generated files are kept in benchmarks/data/ and reused while their recipes hold.
# Every benchmark runs even when one misses a target; make bench fails if any did.
BENCH_CASES ?= 1000000
BENCH_CALL_LINES ?= 1000000
BENCH_ATTEMPTS ?= 2500000
bench: setup
	$(PY) benchmarks/generate_cases.py --cases $(BENCH_CASES)
	$(PY) benchmarks/generate_calls.py --lines $(BENCH_CALL_LINES) --attempts $(BENCH_ATTEMPTS)
	@rc=0; \
	$(PY) benchmarks/bench_case_list.py --cases $(BENCH_CASES) || rc=1; \
	$(PY) benchmarks/bench_call_stats.py --lines $(BENCH_CALL_LINES) --attempts $(BENCH_ATTEMPTS) || rc=1; \
	$(PY) benchmarks/bench_reports.py || rc=1; \
	exit $$rc

clean:
	rm -rf build dist .pytest_cache .ruff_cache .hypothesis .coverage htmlcov
	find . -path ./$(VENV) -prune -o \( -name __pycache__ -o -name '*.egg-info' \) -type d -print0 \
		| xargs -0 -r rm -rf

distclean: clean
	rm -rf $(VENV)
