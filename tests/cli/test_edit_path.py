"""The run after a one-pipeline edit does each piece of work once: the stored plan is parsed
whole once (the no-op check and planning see the edit from the files' hashes at its head),
and storing the new plan hashes only what changed (the run's stat cache knows the rest).
Correctness, not speed: the answer is the same as before, only less is repeated."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from projects import diamond, new_project

from quicketl.cli.main import main
from quicketl.state import hashing

SNAPSHOT_HEAD = '{"format"'


def _run(workflow: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    """`quicketl workflow run WORKFLOW --json` in process; its document (output is no
    terminal here, so the no-op check and then the plain run answer, as in CI)."""
    with pytest.raises(SystemExit) as done:
        main(["workflow", "run", str(workflow), "--json"])
    out = capsys.readouterr().out
    assert done.value.code == 0, out
    document: dict[str, Any] = json.loads(out)
    return document


def _ran(document: dict[str, Any]) -> list[str]:
    return [task["task_id"] for task in document["tasks"] if task["status"] == "ran"]


def _counting(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> list[Any]:
    """Record the first argument of every call of `owner.name`."""
    calls: list[Any] = []
    real: Callable[..., Any] = getattr(owner, name)

    def counted(first: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(first)
        return real(first, *args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def _edited_project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A four-pipeline workflow run once, then `left` edited; the workflow file."""
    workflow = diamond(new_project(tmp_path))
    assert len(_ran(_run(workflow, capsys))) == 4
    left = tmp_path / "pipelines/left.yml"
    left.write_text(left.read_text() + "description: edited\n")
    return workflow


def test_the_run_after_an_edit_parses_the_stored_plan_whole_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    workflow = _edited_project(tmp_path, capsys)
    parsed = _counting(monkeypatch, json, "loads")
    assert _ran(_run(workflow, capsys)) == ["middle.left"]
    # Before: the no-op check, the whole stored plan and the per-file cache each parsed it.
    assert sum(isinstance(t, str) and t.startswith(SNAPSHOT_HEAD) for t in parsed) == 1


def test_storing_the_plan_after_an_edit_hashes_only_the_edited_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hashing, "RACY_WINDOW_NS", 0)  # the files were written just now
    workflow = _edited_project(tmp_path, capsys)
    hashed = _counting(monkeypatch, os, "open")  # how hash_file reads, whoever calls it
    assert _ran(_run(workflow, capsys)) == ["middle.left"]
    pipelines = {Path(p).name for p in hashed if Path(p).parent.name == "pipelines"}
    # Before: every pipeline file was read again when the new plan was stored.
    assert pipelines == {"left.yml"}
    assert _ran(_run(workflow, capsys)) == []  # and the stored plan is good: a no-op


def test_an_edit_during_the_stored_plans_life_is_still_seen(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The head-first check must not trust a stored plan its files no longer match.
    workflow = _edited_project(tmp_path, capsys)
    assert _ran(_run(workflow, capsys)) == ["middle.left"]
    right = tmp_path / "pipelines/right.yml"
    right.write_text(right.read_text() + "description: edited too\n")
    assert _ran(_run(workflow, capsys)) == ["middle.right"]
    assert _ran(_run(workflow, capsys)) == []


def test_a_pipeline_edited_during_a_run_runs_again_next_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The run stores its plan at its end: the edited file's hash must not be stored with
    # the plan made before the edit, or the next run would trust that plan as current.
    from quicketl import api

    workflow = diamond(new_project(tmp_path))
    assert len(_ran(_run(workflow, capsys))) == 4
    plan = api.plan_for_run(workflow)
    left = tmp_path / "pipelines/left.yml"
    left.write_text(left.read_text() + "description: edited while the run went on\n")
    assert {t.status for t in api.execute_plan(plan).tasks} == {"up_to_date"}
    assert _ran(_run(workflow, capsys)) == ["middle.left"]
