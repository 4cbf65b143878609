"""`workflow validate` after a run: what the run settled is taken from its cache (read-only),
and anything that changed since is checked again, with the same messages as without a cache."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from projects import Project, new_project

import quicketl.execute.validate as validate
import quicketl.plan.builder as loader
import quicketl.state.hashing as hashing

from .support import invoke, run

FILTERED = {"transforms": [{"op": "filter", "predicate": "value <> ''"}]}
MISSING_COLUMN = "predicate: value <> ''"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    """raw -> a (filters on `value`) -> b; a is checked against data/raw.csv by validate."""
    project = new_project(tmp_path)
    project.csv("data/raw.csv")
    project.pipeline("a", "data/raw.csv", "out/a.parquet", **FILTERED)
    project.pipeline("b", "out/a.parquet", "out/b.parquet")
    stage = {"name": "s", "parallel": True, "pipelines": ["pipelines/a.yml", "pipelines/b.yml"]}
    project.workflow([stage])
    monkeypatch.chdir(tmp_path)
    # Files written just now are "racy" and never kept in the stat cache (state/hashing.py);
    # a real project's inputs are older than two seconds when it runs.
    monkeypatch.setattr(hashing, "RACY_WINDOW_NS", 0)
    return project


def ran_once(project: Project) -> None:
    assert run(project.root / "workflows/wf.yml").succeeded


def counting(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> list[object]:
    calls: list[object] = []
    original = getattr(module, name)

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(args[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def cache_digests(project: Project) -> dict[str, str]:
    cache = project.root / ".quicketl-cache"
    return {
        str(path.relative_to(cache)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(cache.rglob("*"))
        if path.is_file()
    }


def test_after_a_run_nothing_unchanged_is_parsed_or_checked_again(
    project: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ran_once(project)
    parsed = counting(monkeypatch, loader, "load_pipeline")
    checked = counting(monkeypatch, validate, "_problems_of")
    code, _, err = invoke(capsys, "workflow", "validate", "workflows/wf.yml")
    assert code == 0, err
    assert (parsed, checked) == ([], [])


def test_validate_leaves_every_cache_file_byte_identical(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    ran_once(project)
    before = cache_digests(project)
    code, _, err = invoke(capsys, "workflow", "validate", "workflows/wf.yml")
    assert code == 0, err
    assert cache_digests(project) == before


def test_an_input_changed_since_the_run_is_checked_again(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    ran_once(project)
    project.write("data/raw.csv", "id,other\n1,x\n")  # the column `value` is gone
    code, _, err = invoke(capsys, "workflow", "validate", "workflows/wf.yml")
    assert code == 2
    assert "a.yml" in err and "value" in err


def test_a_pipeline_edited_since_the_run_is_parsed_and_checked_again(
    project: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ran_once(project)
    path = project.root / "pipelines/a.yml"
    path.write_text(path.read_text().replace("value <>", "valeu <>"))
    parsed = counting(monkeypatch, loader, "load_pipeline")
    code, _, err = invoke(capsys, "workflow", "validate", "workflows/wf.yml")
    assert code == 2
    assert "valeu" in err
    assert [Path(p).name for p in parsed] == ["a.yml"]


def test_a_task_recorded_with_failed_checks_is_checked_again(
    project: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ran_once(project)
    from quicketl.state import StateStore

    cache = project.root / ".quicketl-cache"
    with StateStore(cache) as store:
        record = store.get("workflows/wf.yml", "s.a")
        assert record is not None
        store.record_success(
            record.scope,
            record.task_id,
            record.key,
            record.components or {},
            record.outputs,
            status="checks_failed: x",
        )
    checked = counting(monkeypatch, validate, "_problems_of")
    code, _, err = invoke(capsys, "workflow", "validate", "workflows/wf.yml")
    assert code == 0, err
    assert len(checked) == 1


def test_without_a_cache_validate_creates_none(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = invoke(capsys, "workflow", "validate", "workflows/wf.yml")
    assert code == 0, err
    assert not (project.root / ".quicketl-cache").exists()


def test_an_input_touched_since_the_run_is_checked_not_read_to_be_hashed(
    project: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ran_once(project)
    raw = project.root / "data/raw.csv"
    raw.write_bytes(raw.read_bytes())  # the same bytes, a new stat: only reading could tell
    checked = counting(monkeypatch, validate, "_problems_of")
    code, _, err = invoke(capsys, "workflow", "validate", "workflows/wf.yml")
    assert code == 0, err
    assert len(checked) == 1
