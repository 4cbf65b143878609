"""`--no-fail-on-checks` writes the sink but the record keeps the failed checks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from projects import new_project

from execute.support import cli

NOTE = (
    "the last run's error-level checks failed (written with --no-fail-on-checks): row_count(max=1)"
)


def _failing_pipeline(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    project.csv("data/raw.csv")
    project.pipeline("p", "data/raw.csv", "out/p.parquet", checks=[{"type": "row_count", "max": 1}])


def _run(tmp_path: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    done = cli("run", "pipelines/p.yml", "--json", *extra, cwd=tmp_path)
    return done.returncode, json.loads(done.stdout)


def test_the_next_run_remembers_that_checks_failed(tmp_path: Path) -> None:
    _failing_pipeline(tmp_path)
    code, first = _run(tmp_path, "--no-fail-on-checks")
    assert (code, first["status"], first["checks"]["failed"]) == (0, "success", 1)
    assert (tmp_path / "out" / "p.parquet").is_file()
    code, again = _run(tmp_path, "--no-fail-on-checks")
    assert (code, again["up_to_date"]) == (0, True)
    assert again["reasons"] == ["up to date", NOTE]


def test_a_run_that_requires_the_checks_runs_them_again_and_fails(tmp_path: Path) -> None:
    _failing_pipeline(tmp_path)
    _run(tmp_path, "--no-fail-on-checks")
    before = (tmp_path / "out" / "p.parquet").read_bytes()
    code, strict = _run(tmp_path)
    assert (code, strict["status"], strict["up_to_date"]) == (1, "failed", False)
    assert strict["reasons"] == [NOTE]
    assert (tmp_path / "out" / "p.parquet").read_bytes() == before


def test_passing_checks_leave_no_note(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    project.csv("data/raw.csv")
    project.pipeline("p", "data/raw.csv", "out/p.parquet")
    _run(tmp_path, "--no-fail-on-checks")
    code, again = _run(tmp_path)
    assert (code, again["up_to_date"], again["reasons"]) == (0, True, ["up to date"])


def test_the_report_of_an_up_to_date_run_shows_the_failed_checks(tmp_path: Path) -> None:
    _failing_pipeline(tmp_path)
    _run(tmp_path, "--no-fail-on-checks")
    done = cli("run", "pipelines/p.yml", "--no-fail-on-checks", cwd=tmp_path)
    assert done.returncode == 0
    assert "up to date" in done.stdout
    assert "the last run's error-level checks failed" in done.stdout
