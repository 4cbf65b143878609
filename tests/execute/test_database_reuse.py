"""Reusing one DuckDB database per worker changes no result: the outputs are byte-identical."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest
from projects import Project, new_project

from quicketl.engine import duckdb_session
from quicketl.engine.duckdb_session import REUSE_VARIABLE, DatabasePool

from .support import run, statuses, write_yaml

CSV = "id,grp,amount,note\n1,a,10.5,x\n2,b,3,\n3,a,7.25,it's\n4,c,0,NA\n"


def mixed(project: Project) -> Path:
    """Six independent pipelines of every kind: files, checks, a join, databases in and out."""
    root = project.root
    project.write("data/orders.csv", CSV)
    project.write("data/groups.csv", "grp,label\na,Alpha\nb,Beta\n")
    with duckdb.connect(str(root / "data/wh.duckdb")) as con:
        con.execute("CREATE TABLE t AS SELECT range AS id, range % 3 AS k FROM range(50)")
    docs: dict[str, dict[str, Any]] = {
        "filtered": {
            "source": {"path": "data/orders.csv"},
            "transforms": [{"op": "filter", "predicate": "amount > 1"}],
            "sink": {"path": "out/filtered.parquet"},
        },
        "checked": {
            "source": {"path": "data/orders.csv", "options": {"null_values": ["NA"]}},
            "transforms": [{"op": "derive_column", "name": "twice", "expr": "amount * 2"}],
            "checks": [{"type": "not_null", "columns": ["id"]}],
            "sink": {"path": "out/checked.csv", "format": "csv"},
        },
        "joined": {
            "sources": {"o": {"path": "data/orders.csv"}, "g": {"path": "data/groups.csv"}},
            "transforms": [{"op": "join", "right": "g", "on": ["grp"], "how": "left"}],
            "sink": {"path": "out/joined.parquet"},
        },
        "from_db": {
            "source": {"connection": "duckdb:///data/wh.duckdb", "query": "SELECT * FROM t"},
            "transforms": [{"op": "aggregate", "group_by": ["k"], "aggs": {"n": "count(*)"}}],
            "sink": {"path": "out/from_db.parquet"},
        },
        "to_db": {
            "source": {"path": "data/orders.csv"},
            "sink": {"type": "database", "connection": "duckdb:///out/w.duckdb", "table": "o"},
        },
        "json_out": {
            "source": {"path": "data/orders.csv"},
            "sink": {"path": "out/orders.json", "format": "json"},
        },
    }
    paths = []
    for name, doc in docs.items():
        write_yaml(root / f"pipelines/{name}.yml", {"name": name, **doc})
        paths.append(f"pipelines/{name}.yml")
    return project.workflow([{"name": "all", "parallel": True, "pipelines": paths}])


def outputs(root: Path) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    for path in sorted((root / "out").rglob("*")):
        if path.is_file() and path.suffix != ".duckdb":
            found[str(path.relative_to(root))] = path.read_bytes()
    with duckdb.connect(str(root / "out/w.duckdb"), read_only=True) as con:
        table = con.execute("SELECT * FROM o ORDER BY id").fetchall()
    found["out/w.duckdb:o"] = repr(table).encode()
    return found


@pytest.mark.parametrize("workers", [1, 2])
def test_outputs_are_byte_identical_with_reuse_on_and_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    (tmp_path / "template").mkdir()
    mixed(new_project(tmp_path / "template"))
    results = {}
    for reuse in ("0", "1"):
        root = tmp_path / f"reuse{reuse}"
        shutil.copytree(tmp_path / "template", root)
        monkeypatch.setenv(REUSE_VARIABLE, reuse)
        result = run(root / "workflows/wf.yml", workers=workers)
        assert set(statuses(result).values()) == {"ran"}, [t.error for t in result.tasks]
        results[reuse] = outputs(root)
    assert len(results["1"]) == 6
    assert results["0"] == results["1"]


def test_a_run_reuses_one_database_per_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = new_project(tmp_path)
    for i in range(6):
        project.csv(f"data/r{i}.csv", salt=str(i))
        project.pipeline(f"p{i}", f"data/r{i}.csv", f"out/b{i}/p{i}.parquet")
    workflow = project.workflow(
        [{"name": "s", "parallel": True, "pipelines": [f"pipelines/p{i}.yml" for i in range(6)]}]
    )
    pools: list[DatabasePool] = []

    class Watched(DatabasePool):
        def __init__(self, reuse: bool | None = None, sniffs: Any = None) -> None:
            super().__init__(reuse, sniffs)
            pools.append(self)

    monkeypatch.setattr(duckdb_session, "DatabasePool", Watched)
    result = run(workflow, workers=1)
    assert set(statuses(result).values()) == {"ran"}
    (pool,) = pools
    assert pool.opened == 1  # six pipelines, one sandbox (the project), one worker
