# Two commands: `make shell` tries FlashTicket (no Slack needed), `make test` runs every
# check. `make run` serves a real Slack workspace (settings in .env).
# Both create the virtual environment from the lock file on first use.
# `make unit`, `make integration` and `make e2e` each run one layer of the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test run lint typecheck unit integration e2e shell bench lock clean

$(STAMP): requirements/dev.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/dev.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# Python may keep compiled modules: each test worker (and each process a test starts)
# then loads the project's modules and pytest's rewritten test modules from the cache
# instead of compiling them again (an environment that turns the cache off would make
# every one of them pay it).
export PYTHONDONTWRITEBYTECODE :=

# The layers from the fastest; each one's last line is its count and its wall time.
test: $(STAMP) lint typecheck unit integration e2e

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -q tests/unit

integration: $(STAMP)
	$(BIN)/pytest -q -n 2 tests/integration

e2e: $(STAMP)
	$(BIN)/pytest -q -n 4 tests/e2e

run: $(STAMP)
	$(BIN)/flashticket serve

shell: $(STAMP)
	$(BIN)/flashticket shell

bench: $(STAMP)
	$(BIN)/python bench/core_bench.py

# Re-pin every dependency after editing pyproject.toml.
lock:
	$(PYTHON) -m pip install --quiet pip-tools
	$(PYTHON) -m piptools compile -q --generate-hashes --strip-extras --allow-unsafe \
		--no-emit-index-url --no-emit-find-links \
		-o requirements/main.lock pyproject.toml
	$(PYTHON) -m piptools compile -q --generate-hashes --strip-extras --allow-unsafe \
		--no-emit-index-url --no-emit-find-links \
		--extra dev -o requirements/dev.lock pyproject.toml

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
