# Two commands do all set-up on a fresh machine (Python 3.11+):
#   make run ARGS="whoami"   install into .venv and run cargo-ai
#   make test                install dev tools into .venv and run every check
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
ARGS   ?= --help
STAMP   = $(VENV)/.installed
EXTRAS  = dev,sandbox,mcp

.PHONY: install run demo test pytest pytest-pythons lint typecheck format docs docs-check endpoints-check bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[$(EXTRAS)]"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/cargo-ai $(ARGS)

# The README's main job: a sandbox on a free port, login, a session, stop.
demo: $(STAMP)
	$(BIN)/python -m cargo_cli.sandbox.demo

test: $(STAMP) lint typecheck docs-check endpoints-check pytest pytest-pythons

# Unit tests in parallel on every core; the end-to-end tests (real sockets,
# subprocesses, signals, deadlines) one at a time so that timing stays honest.
pytest: $(STAMP)
	$(BIN)/python -m pytest -m 'not e2e'
	$(BIN)/python -m pytest -m e2e -n 0

# The unit suite on the other supported Pythons (classifiers) that are installed.
pytest-pythons: $(STAMP)
	$(BIN)/python scripts/test_pythons.py --extras $(EXTRAS)

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts

format: $(STAMP)
	$(BIN)/ruff format src tests scripts
	$(BIN)/ruff check --fix src tests scripts

typecheck: $(STAMP)
	$(BIN)/mypy

docs: $(STAMP)
	$(BIN)/python scripts/gen_resources.py
	$(BIN)/python scripts/gen_examples.py
	$(BIN)/python scripts/gen_reference.py
	$(BIN)/python scripts/gen_entities.py
	$(BIN)/python scripts/gen_sandbox_tables.py

docs-check: $(STAMP)
	$(BIN)/python scripts/gen_reference.py --check
	$(BIN)/python scripts/gen_resources.py --check
	$(BIN)/python scripts/gen_examples.py --check
	$(BIN)/python scripts/gen_entities.py --check
	$(BIN)/python scripts/gen_sandbox_tables.py --check

endpoints-check: $(STAMP)
	$(BIN)/python scripts/gen_endpoints.py --check
	$(BIN)/python scripts/check_pinned.py ../shared/spec

# Byte-compile first, as a pip install does: with PYTHONDONTWRITEBYTECODE set
# (as on the build machines) an edited module would otherwise be compiled
# again on every timed run.
bench: $(STAMP)
	$(BIN)/python -m compileall -q src >/dev/null
	$(BIN)/python scripts/bench.py
	$(BIN)/python scripts/bench_download.py
	$(BIN)/python scripts/bench_upload.py
	$(BIN)/python scripts/bench_sandbox.py

clean:
	rm -rf $(VENV) $(VENV)-3.* .pytest_cache .mypy_cache .ruff_cache
