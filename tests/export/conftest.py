"""Fixtures for the export tests: orchestrator venvs and a migrated Airflow database."""

from __future__ import annotations

from pathlib import Path

import pytest

from .orchestrators import migrated_airflow_db, venv_python


@pytest.fixture(scope="session", params=["airflow", "airflow2"], ids=["airflow3", "airflow2"])
def airflow_python(request: pytest.FixtureRequest) -> Path:
    """Every Airflow test runs on Airflow 3 (.venv-airflow) and on Airflow 2.x (.venv-airflow2)."""
    name: str = request.param
    return venv_python(name)


@pytest.fixture(scope="session")
def prefect_python() -> Path:
    return venv_python("prefect")


@pytest.fixture(scope="session")
def prefect_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One PREFECT_HOME per session: its database is migrated by the first run only."""
    return tmp_path_factory.mktemp("prefect-home")


@pytest.fixture(scope="session")
def airflow_db(airflow_python: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite metadata database, made once per session and copied per test."""
    return migrated_airflow_db(airflow_python, tmp_path_factory.mktemp("airflow-template"))
