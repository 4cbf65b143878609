"""Every `--json` output of every command, success and failure, fits the published schema."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from jsonschema import Draft202012Validator
from projects import linear_three, new_project
from typer.testing import CliRunner, Result

from quicketl.cli.app import app
from quicketl.errors import EngineError, StateError
from quicketl.report.json_report import error_document
from quicketl.report.json_schema import results_schema

Invoke = Callable[..., Result]
FAILING_CHECK = "checks:\n  - {type: row_count, max: 0}\n"


@pytest.fixture
def cli() -> Invoke:
    runner = CliRunner(env={"COLUMNS": "160", "NO_COLOR": "1", "TERM": "dumb"})
    return lambda *args: runner.invoke(app, [str(arg) for arg in args])


@pytest.fixture
def in_tmp(tmp_path: Path) -> Iterator[Path]:
    before = Path.cwd()
    os.chdir(tmp_path)
    yield tmp_path
    os.chdir(before)


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = results_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _fits(validator: Draft202012Validator, text: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(text)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors][:5]
    return document


def _commands(group: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            yield from _commands(command, (*prefix, name))
        elif any("--json" in getattr(p, "opts", ()) for p in command.params):
            yield (*prefix, name)


# (command, expected exit code) for a linear_three project; each is run in order.
CASES: list[tuple[tuple[str, ...], int]] = [
    (("workflow", "status", "W"), 0),
    (("workflow", "run", "W", "--dry-run"), 0),
    (("workflow", "validate", "W"), 0),
    (("workflow", "info", "W"), 0),
    (("workflow", "graph", "W"), 0),
    (("workflow", "graph", "W", "--status"), 0),
    (("workflow", "run", "W"), 0),
    (("workflow", "run", "W"), 0),  # up to date
    (("workflow", "status", "W"), 0),
    (("run", "pipelines/a.yml"), 0),
    (("run", "pipelines/a.yml"), 0),  # up to date
    (("run", "pipelines/a.yml", "--dry-run"), 0),
    (("run", "pipelines/a.yml", "--dry-run", "--force"), 0),
    (("run", "pipelines/a.yml", "--no-write"), 0),
    (("validate", "pipelines/a.yml"), 0),
    (("info",), 0),
    (("info", "--backends"), 0),
    (("cache", "status", "."), 0),
    (("cache", "gc", "."), 0),
    (("cache", "gc", ".", "--max-size", "1G", "--older-than", "30"), 0),
    (("cache", "gc", ".", "--max-size", "lots"), 2),
    (("cache", "gc", ".", "--older-than", "-1"), 2),
    (("workflow", "run", "W", "--remote-cache", "shared", "--force"), 0),
    (("workflow", "run", "W", "--remote-cache-mode", "nope"), 2),
    (("cache", "gc", ".", "--remote", "--remote-cache", "shared", "--max-size", "1G"), 0),
    (("cache", "gc", ".", "--remote"), 2),
    (("run", "pipelines/failing.yml"), 1),
    (("workflow", "run", "broken.yml"), 1),
    (("run", "pipelines/typo.yml"), 2),
    (("validate", "pipelines/typo.yml"), 2),
    (("workflow", "run", "pipelines/a.yml"), 2),
    (("workflow", "status", "missing.yml"), 2),
    (("workflow", "validate", "missing.yml"), 2),
    (("workflow", "info", "missing.yml"), 2),
    (("workflow", "graph", "missing.yml"), 2),
    (("workflow", "log"), 0),
    (("workflow", "log", "W"), 0),
    (("workflow", "log", "1"), 0),
    (("workflow", "log", "999"), 2),
    (("cache", "clean", "."), 0),
]


def _project(root: Path) -> None:
    project = new_project(root)
    linear_three(project)
    pipeline = (root / "pipelines" / "a.yml").read_text()
    (root / "pipelines" / "failing.yml").write_text(
        pipeline.replace("name: a", "name: failing").replace("out/a", "out/f") + FAILING_CHECK
    )
    (root / "pipelines" / "typo.yml").write_text(pipeline.replace("sink:", "snk:"))
    (root / "broken.yml").write_text(
        "name: broken\nstages:\n  - name: s\n    pipelines: [pipelines/failing.yml]\n"
    )


def test_every_json_output_fits_the_schema(
    validator: Draft202012Validator, cli: Invoke, in_tmp: Path
) -> None:
    _project(in_tmp)
    seen: set[tuple[str, ...]] = set()
    for args, code in CASES:
        argv = ["workflows/wf.yml" if a == "W" else a for a in args]
        result = cli(*argv, "--json")
        assert result.exit_code == code, (args, result.output)
        document = _fits(validator, result.stdout)
        assert (document.get("status") == "invalid") == (code == 2), args
        seen.add(tuple(a for a in args[:2] if not a.endswith((".yml", "."))))
    assert set(_commands(typer.main.get_command(app))) <= seen, (
        "a command with --json is not covered here"
    )


def test_a_run_restored_from_the_output_store_fits_the_schema(
    validator: Draft202012Validator, cli: Invoke, in_tmp: Path
) -> None:
    _project(in_tmp)
    assert cli("workflow", "run", "workflows/wf.yml", "--json").exit_code == 0
    (in_tmp / "out" / "b.parquet").unlink()
    result = cli("workflow", "run", "workflows/wf.yml", "--json")
    document = _fits(validator, result.stdout)
    assert document["summary"]["restored"] == 1
    assert [t["status"] for t in document["tasks"]] == ["up_to_date", "restored", "up_to_date"]
    status = _fits(validator, cli("cache", "status", ".", "--json").stdout)
    assert status["last_run"]["restored"] == 1 and status["entries"] == 3


@pytest.mark.parametrize("error", [EngineError("disk full"), StateError("lock held by pid 7")])
def test_a_failed_error_document_fits(validator: Draft202012Validator, error: Exception) -> None:
    document = _fits(validator, json.dumps(error_document(error)))
    assert document["status"] == "failed"


def test_schema_results_prints_the_published_schema(cli: Invoke) -> None:
    result = cli("schema", "--results")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == results_schema()
    assert "ISO-8601" in json.loads(result.stdout)["description"]


def test_a_document_that_breaks_the_contract_is_refused(validator: Draft202012Validator) -> None:
    wrong = {"quicketl": "2.0.0", "python": "3.11", "duckdb": "1.1", "platform": "x", "x": 1}
    assert list(validator.iter_errors(wrong))
    stage = {"name": "s", "status": "OK", "total": 1, "succeeded": 1, "up_to_date": 0}
    assert list(validator.iter_errors({"stages": [{**stage, "duration_ms": 1.0}]}))
