"""The plain `workflow run` (cli/plain_run.py): when tasks must run and no terminal is
attached, the same output and exit code as the typer command, without importing typer or rich."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from cli.test_noop import copy_example
from quicketl.engine.duckdb_module import duckdb as engine_duckdb

HEAVY = ("typer", "rich", "duckdb", "_duckdb", "pydantic")
# What a run loads of DuckDB: from DuckDB 2 its compiled module alone, never the package's
# Python layer (engine/duckdb_module.py).
DUCKDB = engine_duckdb.__name__
PROBE = """
import sys
from quicketl.cli.main import main
try:
    main(sys.argv[1:])
except SystemExit as exit:
    code = exit.code
heavy = sorted(m for m in {heavy!r} if m in sys.modules)
print("HEAVY=" + ",".join(heavy), file=sys.stderr)
sys.exit(code)
"""
WORKFLOW = "workflows/medallion.yml"
# An option the plain form does not take and that changes nothing here: the typer command runs.
TYPER = "--allow-outside-project"


def probe(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    code = PROBE.format(heavy=HEAVY)
    command = [sys.executable, "-c", code, "workflow", "run", WORKFLOW, "--workers", "1", *args]
    return subprocess.run(command, cwd=project, capture_output=True, text=True, check=False)


def heavy(done: subprocess.CompletedProcess[str]) -> list[str]:
    line = done.stderr.splitlines()[-1]
    assert line.startswith("HEAVY=")
    return line.removeprefix("HEAVY=").split(",")


def normalised(text: str) -> str:
    """Durations and the padding they move, left out."""
    text = re.sub(r"\d+(\.\d+)?(ms|s)\b", "T", text.replace("/two/", "/one/"))
    text = re.sub(r"[─ ]+", " ", text)
    return text.replace("HEAVY=typer", "HEAVY=").split("HEAVY=")[0]


def two_projects(tmp_path: Path) -> tuple[Path, Path]:
    """Two copies of the example, at paths of the same length (messages name them)."""
    return copy_example(tmp_path / "one"), copy_example(tmp_path / "two")


def test_a_cold_run_imports_neither_typer_nor_rich(tmp_path: Path) -> None:
    project = copy_example(tmp_path)
    done = probe(project)
    assert done.returncode == 0, done.stderr
    assert heavy(done) == [DUCKDB, "pydantic"]
    assert "Pipelines: 5/5 succeeded (0 up to date, 5 ran)" in done.stdout


def test_plain_and_typer_runs_print_the_same(tmp_path: Path) -> None:
    plain_project, typer_project = two_projects(tmp_path)
    plain, full = probe(plain_project), probe(typer_project, TYPER)
    assert "typer" in heavy(full) and "typer" not in heavy(plain)
    assert (plain.returncode, full.returncode) == (0, 0)
    assert normalised(plain.stdout) == normalised(full.stdout)
    assert normalised(plain.stderr) == normalised(full.stderr)  # the task lines
    assert plain.stderr.startswith("1 of 5 started bronze.")


def test_a_failed_run_exits_1_with_the_problems_table(tmp_path: Path) -> None:
    plain_project, typer_project = two_projects(tmp_path)
    for project in (plain_project, typer_project):
        pipeline = project / "pipelines/silver/clean_users.yml"
        pipeline.write_text(pipeline.read_text().replace("lower(trim(email))", "lower(nope)"))
    plain, full = probe(plain_project), probe(typer_project, TYPER)
    assert (plain.returncode, full.returncode) == (1, 1)
    assert "Problems" in plain.stdout and "silver.clean_users" in plain.stdout
    assert normalised(plain.stdout) == normalised(full.stdout)
    assert normalised(plain.stderr) == normalised(full.stderr)


def test_an_invalid_pipeline_is_one_located_message_and_exit_2(tmp_path: Path) -> None:
    plain_project, typer_project = two_projects(tmp_path)
    for project in (plain_project, typer_project):
        pipeline = project / "pipelines/silver/clean_users.yml"
        pipeline.write_text(pipeline.read_text().replace("op: filter", "op: filtre"))
    for args in ((), ("--json",)):
        plain, full = probe(plain_project, *args), probe(typer_project, *args, TYPER)
        assert (plain.returncode, full.returncode) == (2, 2)
        assert "clean_users.yml" in plain.stderr and "Traceback" not in plain.stderr
        assert normalised(plain.stderr) == normalised(full.stderr)
        assert plain.stdout == full.stdout.replace("/two/", "/one/")
        assert not (plain_project / ".quicketl-cache").exists()  # refused: nothing written
    assert json.loads(plain.stdout)["status"] == "invalid"


def test_json_and_quiet(tmp_path: Path) -> None:
    project = copy_example(tmp_path)
    done = probe(project, "--json", "-q")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["summary"]["ran"] == 5
    assert done.stderr.splitlines() == [f"HEAVY={DUCKDB},pydantic"]  # no task lines


def test_an_edit_that_runs_one_task_of_several_does_not_import_doit(tmp_path: Path) -> None:
    # One task to run needs no scheduler: it runs without doit (execute/plan_run.py), the
    # others are reported up to date as they are when doit schedules them.
    project = copy_example(tmp_path)
    code = PROBE.format(heavy=(*HEAVY, "doit"))
    command = [sys.executable, "-c", code, "workflow", "run", WORKFLOW, "--json"]
    cold = subprocess.run(command, cwd=project, capture_output=True, text=True, check=False)
    assert cold.returncode == 0, cold.stderr
    assert "doit" in heavy(cold)  # five tasks to run: doit schedules them
    pipeline = project / "pipelines/silver/clean_users.yml"
    pipeline.write_text(pipeline.read_text().replace("<> ''", "<> ' '"))
    edit = subprocess.run(command, cwd=project, capture_output=True, text=True, check=False)
    assert edit.returncode == 0, edit.stderr
    assert heavy(edit) == [DUCKDB, "pydantic"]
    document = json.loads(edit.stdout)
    assert {t["task_id"]: t["status"] for t in document["tasks"]} == {
        "bronze.ingest_users": "up_to_date",
        "bronze.ingest_events": "up_to_date",
        "bronze.ingest_payments": "up_to_date",
        "silver.clean_users": "ran",
        "silver.clean_events": "up_to_date",
    }


def test_a_run_that_only_restores_outputs_does_not_import_duckdb(tmp_path: Path) -> None:
    # DuckDB is imported by the first pipeline that runs (execute/lazy_pool.py), not before
    # the tasks start: a task restored from the cache's output store needs none.
    project = copy_example(tmp_path)
    code = PROBE.format(heavy=(*HEAVY, "doit"))
    command = [sys.executable, "-c", code, "workflow", "run", WORKFLOW, "--json"]
    pipeline = project / "pipelines/silver/clean_users.yml"
    original = pipeline.read_text()
    for text in (original, original.replace("<> ''", "<> ' '"), original):
        pipeline.write_text(text)
        done = subprocess.run(command, cwd=project, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
    statuses = {t["task_id"]: t["status"] for t in json.loads(done.stdout)["tasks"]}
    assert statuses["silver.clean_users"] == "restored"
    assert heavy(done) == ["pydantic"]
