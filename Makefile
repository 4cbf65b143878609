# quicketl: `make demo` runs the bundled example, `make test` runs every check.
# Both create .venv (and the orchestrator venvs for the export tests) when missing.

.DEFAULT_GOAL := demo
# python3.11 where it exists, else python3 (checked below to be 3.11 or newer).
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null || echo python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "quicketl needs Python 3.11 or newer; run: make PYTHON=/path/to/python3.11"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

-include mk/export.mk
-include mk/postgres.mk
-include mk/bench.mk

demo: $(STAMP)
	cd examples/medallion && ../../$(BIN)/quicketl workflow run workflows/medallion.yml
	@echo
	@echo "Running it again: every pipeline is up to date, so nothing runs."
	@echo
	cd examples/medallion && ../../$(BIN)/quicketl workflow run workflows/medallion.yml

lint: $(STAMP)
	$(BIN)/ruff check quicketl tests benchmarks
	$(BIN)/ruff format --check quicketl tests benchmarks
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) export-venvs postgres-server
	$(BIN)/python -m pytest

test: lint typecheck pytest

# One table with every figure of issue 14 and its target (benchmarks/bench_all.py); QuickETL
# 1.x is installed beside it for the cold-start ratio (mk/bench.mk).
bench: $(STAMP) venv-1x
	$(BIN)/python benchmarks/bench_all.py

clean:
	rm -rf $(VENV) .venv-airflow .venv-airflow2 .venv-prefect .venv-1x .quicketl-cache .mypy_cache .ruff_cache .pytest_cache .import_linter_cache
