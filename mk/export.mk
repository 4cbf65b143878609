# Orchestrator venvs for the export tests (included by the top-level Makefile).
# Airflow and Prefect conflict (fastapi, pydantic ranges), so each gets its own venv.
# The .ok stamp is remade when the pins or the project's metadata change.

EXPORT_PYTHON ?= python3.11
EXPORT_PIP_FLAGS ?= --quiet --disable-pip-version-check

.venv-airflow/.ok: tests/export/requirements-airflow.txt pyproject.toml
	rm -rf .venv-airflow
	$(EXPORT_PYTHON) -m venv .venv-airflow
	.venv-airflow/bin/pip install $(EXPORT_PIP_FLAGS) -r tests/export/requirements-airflow.txt -e .
	touch $@

.venv-prefect/.ok: tests/export/requirements-prefect.txt pyproject.toml
	rm -rf .venv-prefect
	$(EXPORT_PYTHON) -m venv .venv-prefect
	.venv-prefect/bin/pip install $(EXPORT_PIP_FLAGS) -r tests/export/requirements-prefect.txt -e .
	touch $@

.PHONY: export-venvs
export-venvs: .venv-airflow/.ok .venv-prefect/.ok
