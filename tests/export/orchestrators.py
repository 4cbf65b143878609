"""Driving the orchestrator venvs (.venv-airflow, .venv-prefect) from the main test venv."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from quicketl.export import ExportOptions
from quicketl.export.names import BUILTIN_NAMES
from quicketl.export.render import AIRFLOW_NAMES
from quicketl.export.view import build_view
from quicketl.plan.model import Plan

REPO = Path(__file__).resolve().parents[2]
DRIVERS = Path(__file__).parent / "drivers"
DRIVER_TIMEOUT = 600


def venv_python(name: str) -> Path:
    """The interpreter of `.venv-<name>`; skip without it, except under CI where it must exist."""
    venv = REPO / f".venv-{name}"
    if (venv / ".ok").exists():
        return venv / "bin" / "python"
    message = f"{venv.name} is missing: run `make {venv.name}/.ok` (make test creates it)"
    if os.environ.get("CI"):
        pytest.fail(message + " [CI is set, so the export tests may not be skipped]")
    pytest.skip(message)


def clean_environ() -> dict[str, str]:
    """This process's environment without any Airflow, Prefect or quicketl settings."""
    prefixes = ("AIRFLOW", "PREFECT_", "QUICKETL_", "_AIRFLOW", "VIRTUAL_ENV", "PYTHONPATH")
    return {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}


def airflow_env(home: Path, dags: Path, **extra: str) -> dict[str, str]:
    """Settings Airflow must see before it is imported: a private home, SQLite, no examples."""
    return clean_environ() | {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING",
        **extra,
    }


def prefect_env(home: Path, **extra: str) -> dict[str, str]:
    """A private PREFECT_HOME with its own ephemeral API server, given time to start."""
    return clean_environ() | {
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_LOGGING_LEVEL": "WARNING",
        **extra,
    }


def migrated_airflow_db(python: Path, home: Path) -> Path:
    """`airflow db migrate` into `home` once; tests copy the file instead of migrating again."""
    home.mkdir(parents=True, exist_ok=True)
    run([str(python.parent / "airflow"), "db", "migrate"], airflow_env(home, home / "dags"))
    return home / "airflow.db"


def fresh_airflow_home(template_db: Path, home: Path) -> Path:
    home.mkdir(parents=True)
    (home / "dags").mkdir()
    shutil.copy(template_db, home / "airflow.db")
    return home


def run_driver(python: Path, driver: str, args: list[str], env: dict[str, str]) -> Any:
    """Run a driver script in an orchestrator venv: `driver COMMAND OUT.json ...` -> OUT's JSON."""
    output = run([str(python), str(DRIVERS / driver), *args], env)
    Path(args[1]).with_suffix(".log").write_text(output, encoding="utf-8")
    return json.loads(Path(args[1]).read_text(encoding="utf-8"))


def run(command: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=DRIVER_TIMEOUT, cwd=REPO
    )
    if done.returncode != 0:
        tail = (done.stdout[-4000:] + "\n--- stderr ---\n" + done.stderr[-8000:]).strip()
        raise AssertionError(f"{' '.join(command)} exited {done.returncode}:\n{tail}")
    return done.stdout + done.stderr


def read_calls(path: Path) -> list[dict[str, Any]]:
    """What the stubbed run_task recorded, one call per line."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def airflow_task_ids(plan: Plan, options: ExportOptions | None = None) -> dict[str, str]:
    """quicketl task id -> the Airflow task id `render_airflow` gives it (``group.task``)."""
    reserved = BUILTIN_NAMES | AIRFLOW_NAMES
    view = build_view(plan, options or ExportOptions(), reserved)
    return {task.id: task.airflow_id for task in view.tasks}
