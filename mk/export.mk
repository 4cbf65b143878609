# Orchestrator venvs for the export tests (included by the top-level Makefile).
#
# Airflow and Prefect conflict (fastapi, pydantic ranges), and Airflow 3 and 2.x are both tested,
# so each gets its own venv, with the quicketl checkout installed editable beside the
# orchestrator. tests/export/requirements-*.in name the orchestrator; requirements-*.txt pin the
# whole resolved set (no Airflow constraints file is reachable here). A venv is rebuilt when its
# pins or pyproject.toml change.

EXPORT_PYTHON ?= $(PYTHON)
EXPORT_PIP_FLAGS ?= --quiet --disable-pip-version-check

.venv-airflow/.ok: tests/export/requirements-airflow.txt pyproject.toml
	rm -rf .venv-airflow
	$(EXPORT_PYTHON) -m venv .venv-airflow
	.venv-airflow/bin/pip install $(EXPORT_PIP_FLAGS) -r tests/export/requirements-airflow.txt -e .
	.venv-airflow/bin/python -c "import airflow.sdk, quicketl"
	touch $@

# Airflow 2.x: the generated DAGs' fallback imports (docs/export.md says which 2.x is tested).
.venv-airflow2/.ok: tests/export/requirements-airflow2.txt pyproject.toml
	rm -rf .venv-airflow2
	$(EXPORT_PYTHON) -m venv .venv-airflow2
	.venv-airflow2/bin/pip install $(EXPORT_PIP_FLAGS) -r tests/export/requirements-airflow2.txt -e .
	.venv-airflow2/bin/python -c "import airflow, quicketl; assert airflow.__version__.startswith('2.')"
	touch $@

.venv-prefect/.ok: tests/export/requirements-prefect.txt pyproject.toml
	rm -rf .venv-prefect
	$(EXPORT_PYTHON) -m venv .venv-prefect
	.venv-prefect/bin/pip install $(EXPORT_PIP_FLAGS) -r tests/export/requirements-prefect.txt -e .
	.venv-prefect/bin/python -c "import prefect, quicketl"
	touch $@

.PHONY: export-venvs export-repin
export-venvs: .venv-airflow/.ok .venv-airflow2/.ok .venv-prefect/.ok

# Resolve requirements-*.in afresh and pin the result; then run the export tests on it.
export-repin:
	for target in airflow airflow2 prefect; do \
	  rm -rf .venv-repin && $(EXPORT_PYTHON) -m venv .venv-repin && \
	  .venv-repin/bin/pip install $(EXPORT_PIP_FLAGS) -r tests/export/requirements-$$target.in -e . && \
	  { echo "# The $$target venv of the export tests (mk/export.mk): requirements-$$target.in with every transitive"; \
	    echo "# dependency pinned, as resolved from PyPI without Airflow's constraints file."; \
	    echo "# Refresh: make export-repin (then run the export tests)."; \
	    .venv-repin/bin/pip freeze --exclude-editable; } > tests/export/requirements-$$target.txt || exit 1; \
	done; rm -rf .venv-repin
