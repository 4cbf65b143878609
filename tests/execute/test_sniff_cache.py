"""CSV detections are kept in the state store by content hash: reused, and never stale."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from projects import Project, new_project

from quicketl import api
from quicketl.engine import copyfirst, sniff
from quicketl.state import hashing

from .support import rows, run, statuses


def sniffed_rows(root: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(root / ".quicketl-cache/state.db") as conn:
        return conn.execute("SELECT content_hash, options FROM csv_sniffs").fetchall()


@pytest.fixture
def sniff_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = sniff._sniffed

    def counted(session: Any, path: str, options: str) -> Any:
        calls.append(path)
        return real(session, path, options)

    monkeypatch.setattr(sniff, "_sniffed", counted)
    # These files are tiny: here they count as large, sniffed before the COPY that reads them
    # (engine/copyfirst.py), as every CSV file is when a pipeline is prepared first.
    monkeypatch.setattr(copyfirst, "SNIFF_FROM_BYTES", 0)
    return calls


def two_readers(project: Project, predicate: str = "id > 0") -> Path:
    project.write("data/raw.csv", "id,value\n1,a\n2,b\n")
    project.pipeline("a", "data/raw.csv", "out/a.parquet")
    project.pipeline(
        "b",
        "data/raw.csv",
        "out/b.parquet",
        transforms=[{"op": "filter", "predicate": predicate}],
    )
    paths = ["pipelines/a.yml", "pipelines/b.yml"]
    return project.workflow([{"name": "s", "parallel": True, "pipelines": paths}])


def test_a_file_is_sniffed_once_and_the_result_kept(tmp_path: Path, sniff_calls: list[str]) -> None:
    project = new_project(tmp_path)
    workflow = two_readers(project)
    assert set(statuses(run(workflow, workers=1)).values()) == {"ran"}
    assert len(sniff_calls) == 1  # two readers of one file: one detection
    assert len(sniffed_rows(tmp_path)) == 1
    two_readers(project, predicate="id > 1")  # b's config changes, the file does not
    assert statuses(run(workflow, workers=1))["s.b"] == "ran"
    assert len(sniff_calls) == 1  # read with the stored detection
    assert rows(tmp_path / "out/b.parquet") == [(2, "b")]


def test_a_same_size_edit_is_sniffed_again(tmp_path: Path, sniff_calls: list[str]) -> None:
    project = new_project(tmp_path)
    workflow = two_readers(project)
    run(workflow, workers=1)
    raw = tmp_path / "data/raw.csv"
    before = raw.stat()
    raw.write_text("id;value\n3;c\n4;d\n")  # same size, another delimiter
    os.utime(raw, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert raw.stat().st_size == before.st_size
    result = run(workflow, workers=1)
    assert set(statuses(result).values()) == {"ran"}, [t.error for t in result.tasks]
    assert len(sniff_calls) == 2
    assert rows(tmp_path / "out/a.parquet") == [(3, "c"), (4, "d")]
    assert len(sniffed_rows(tmp_path)) == 2


def test_validate_uses_the_stored_detection_and_writes_nothing(
    tmp_path: Path, sniff_calls: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = new_project(tmp_path)
    workflow = two_readers(project)
    # A file written just now is not "settled" and its stat entry is not kept (racy clean):
    # here every file counts as settled at once, as any file does two seconds later.
    monkeypatch.setattr(hashing, "RACY_WINDOW_NS", 0)
    run(workflow, workers=1)
    calls = len(sniff_calls)
    state = (tmp_path / ".quicketl-cache/state.db").read_bytes()
    plan = api.plan_workflow(workflow)
    api.check_workflow_sources(plan)
    assert len(sniff_calls) == calls
    assert (tmp_path / ".quicketl-cache/state.db").read_bytes() == state
