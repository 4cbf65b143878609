"""`workflow validate` checks pipelines against their sources on two threads (DuckDB releases
the GIL while it detects and binds), and still reports every problem in the plan's order."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from projects import Project, new_project

import quicketl.execute.validate as validate

from .support import invoke

COUNT = 6


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    """Six independent pipelines, each filtering on a column its file lacks: p0 ... p5."""
    project = new_project(tmp_path)
    names = []
    for i in range(COUNT):
        project.csv(f"data/r{i}.csv")
        bad = {"transforms": [{"op": "filter", "predicate": f"missing_{i} > 0"}]}
        names.append(project.pipeline(f"p{i}", f"data/r{i}.csv", f"out/p{i}.parquet", **bad))
    project.workflow([{"name": "s", "parallel": True, "pipelines": names}])
    monkeypatch.chdir(tmp_path)
    return project


def test_two_pipelines_are_checked_at_once(
    project: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Each check waits until a second one is under way: one at a time, the wait times out.
    both = threading.Barrier(2, timeout=10)
    original = validate._problems_of

    def meeting(*args: object) -> object:
        both.wait()
        return original(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(validate, "_problems_of", meeting)
    code, _, err = invoke(capsys, "workflow", "validate", "workflows/wf.yml")
    assert code == 2, err
    assert not both.broken


def test_problems_keep_the_plans_order_whichever_check_ends_first(
    project: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    original = validate._problems_of
    done_later = threading.Event()
    ended: list[str] = []

    def slow_first(*args: object) -> object:
        name = str(getattr(args[1], "name", ""))
        if name == "p0":
            done_later.wait(timeout=10)  # p0 ends after the others
        found = original(*args)  # type: ignore[arg-type]
        if name == f"p{COUNT - 1}":
            done_later.set()
        ended.append(name)
        return found

    monkeypatch.setattr(validate, "_problems_of", slow_first)
    code, _, err = invoke(capsys, "workflow", "validate", "workflows/wf.yml")
    assert code == 2, err
    assert ended[-1] == "p0"
    mentioned = [err.index(f"missing_{i}") for i in range(COUNT)]
    assert mentioned == sorted(mentioned), err
