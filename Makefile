# make run     start Accord on http://127.0.0.1:$${PORT:-8000}/ with the demo coalition (data in ./var)
# make test    every check and test, on SQLite and on a throwaway PostgreSQL (see scripts/test.sh)
# make bench   the benchmarks in bench/, results in bench/results/latest.json

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export ACCORD_DATA_DIR ?= $(CURDIR)/var

.PHONY: run test bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstalled only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	ACCORD_BASE_URL=$${ACCORD_BASE_URL:-http://127.0.0.1:$${PORT:-8000}} $(BIN)/accord demo --if-empty
	$(BIN)/accord run --port $${PORT:-8000}

test: $(VENV)/.installed-test
	VENV=$(VENV) scripts/test.sh

bench: $(VENV)/.installed
	@if [ -f bench/__main__.py ]; then $(BIN)/python -m bench; else echo "no benchmarks yet (bench/__main__.py)"; fi
