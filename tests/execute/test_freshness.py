"""`freshness:` queries are SQL a variable may reach: they read no file outside the project."""

from __future__ import annotations

from pathlib import Path

import pytest

from quicketl.errors import EngineError

from .support import run
from .test_incremental import db_project


def test_a_freshness_query_cannot_read_a_file_outside_the_project(tmp_path: Path) -> None:
    secret = tmp_path.parent / f"{tmp_path.name}-secret.txt"
    secret.write_text("TOPSECRET-freshness\n")
    workflow = db_project(tmp_path, freshness=f"SELECT content FROM read_text('{secret}')")
    expected = rf"freshness query failed: cannot read {secret}: outside the project"
    with pytest.raises(EngineError, match=expected):
        run(workflow)
    state = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    assert b"TOPSECRET" not in state


def test_a_freshness_query_still_reads_its_own_database(tmp_path: Path) -> None:
    workflow = db_project(tmp_path, freshness="SELECT count(*) FROM t")
    assert {t.task_id: t.status for t in run(workflow).tasks}["load.load"] == "ran"
