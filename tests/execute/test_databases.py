"""Tasks sharing a DuckDB database file: serialised, linked by lineage, never skipped on a guess."""

from __future__ import annotations

from pathlib import Path

import duckdb
from projects import new_project

from quicketl.api import explain, plan_workflow, run_workflow


def warehouse_project(tmp_path: Path) -> Path:
    project = new_project(tmp_path)
    project.csv("data/a.csv", rows=5, salt="a")
    project.csv("data/b.csv", rows=7, salt="b")
    for name in ("a", "b"):
        project.write(
            f"pipelines/load_{name}.yml",
            f"""
name: load_{name}
source: {{type: file, path: data/{name}.csv}}
sink: {{type: database, connection: "duckdb:///wh.duckdb", table: {name}, mode: replace}}
""",
        )
    project.write(
        "pipelines/report.yml",
        """
name: report
source:
  type: database
  connection: "duckdb:///wh.duckdb"
  query: SELECT * FROM a UNION ALL SELECT * FROM b
sink: {type: file, path: out/report.parquet}
""",
    )
    return project.workflow(
        [
            {
                "name": "load",
                "parallel": True,
                "pipelines": ["pipelines/load_a.yml", "pipelines/load_b.yml"],
            },
            {"name": "report", "pipelines": ["pipelines/report.yml"]},
        ]
    )


def test_parallel_writers_of_one_database_file_both_succeed(tmp_path: Path) -> None:
    workflow = warehouse_project(tmp_path)
    result = run_workflow(workflow, workers=2)
    assert [t.status for t in result.tasks] == ["ran", "ran", "ran"]
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as conn:
        counts = conn.execute(
            "SELECT (SELECT count(*) FROM a), (SELECT count(*) FROM b)"
        ).fetchone()
    assert counts == (5, 7)
    report = tmp_path / "out/report.parquet"
    assert duckdb.connect().execute(f"SELECT count(*) FROM '{report}'").fetchone() == (12,)


def test_a_database_reader_waits_for_the_writers_by_lineage(tmp_path: Path) -> None:
    workflow = warehouse_project(tmp_path)
    plan = plan_workflow(workflow)
    assert {(e.upstream, e.downstream) for e in plan.edges} == {
        ("load.load_a", "report.report"),
        ("load.load_b", "report.report"),
    }


def test_database_source_always_runs(tmp_path: Path) -> None:
    workflow = warehouse_project(tmp_path)
    run_workflow(workflow, workers=2)
    again = {t.task_id: t for t in run_workflow(workflow, workers=2).tasks}
    assert again["load.load_a"].status == "up_to_date"
    assert again["report.report"].status == "ran"
    assert again["report.report"].reasons == ["reads duckdb:///wh.duckdb (not a file: always runs)"]


def test_a_deleted_database_file_makes_its_writers_run_again(tmp_path: Path) -> None:
    workflow = warehouse_project(tmp_path)
    run_workflow(workflow, workers=2)
    (tmp_path / "wh.duckdb").unlink()
    preview = {t.task_id: t.reasons for t in explain(workflow).tasks}
    for writer in ("load.load_a", "load.load_b"):
        assert preview[writer][0] == "output wh.duckdb missing"
    again = {t.task_id: t for t in run_workflow(workflow, workers=1).tasks}
    assert again["load.load_a"].status == "ran"
    assert again["load.load_a"].reasons == ["output wh.duckdb missing"]
    assert again["load.load_b"].status == "ran"
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM a").fetchone() == (5,)


def test_a_database_file_written_by_others_does_not_rerun_its_writers(tmp_path: Path) -> None:
    # Only the file's presence is recorded: other tables (here the other writer's) change its
    # bytes on every run, so its content says nothing about one table.
    workflow = warehouse_project(tmp_path)
    run_workflow(workflow, workers=2)
    with duckdb.connect(str(tmp_path / "wh.duckdb")) as conn:
        conn.execute("CREATE TABLE unrelated AS SELECT 1 AS x")
    again = {t.task_id: t for t in run_workflow(workflow, workers=2).tasks}
    assert again["load.load_a"].status == "up_to_date"
    assert again["load.load_b"].status == "up_to_date"
