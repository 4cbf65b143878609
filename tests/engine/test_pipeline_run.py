"""run_pipeline: the result it returns, dry runs, runtime failures and concurrent runs."""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from quicketl.engine import run_pipeline
from quicketl.engine.pipeline_result import StepResult

from .helpers import Loader, read_rows, write

PIPELINE = """
name: linear_three
sources:
  orders: {path: data/orders.csv}
  extra: {path: data/extra.csv}
transforms:
  - {op: union, sources: [extra]}
  - {op: filter, predicate: amount > 5}
  - {op: derive_column, name: day, expr: "DATE '2025-01-01' + CAST(id AS INTEGER)"}
  - {op: aggregate, group_by: [region], aggs: {total: sum(amount), last_day: max(day)}}
sink: {path: out/summary.parquet}
"""


def data(project: Path) -> None:
    write(project / "data/orders.csv", "id,region,amount\n1,north,10\n2,south,3\n3,north,7\n")
    write(project / "data/extra.csv", "id,region,amount\n4,east,9\n")


def shape(steps: list[StepResult]) -> list[tuple[str, str, str, int | None]]:
    return [(s.name, s.kind, s.status, s.rows) for s in steps]


def test_result_of_a_run(load: Loader, project: Path) -> None:
    data(project)
    result = run_pipeline(load(PIPELINE))
    assert result.succeeded, result.error
    assert (result.name, result.rows_read, result.rows_written) == ("linear_three", 4, 2)
    assert result.outputs == ["out/summary.parquet"]
    assert result.duration_ms > 0
    assert shape(result.steps) == [
        ("orders", "source", "ok", 3),
        ("extra", "source", "ok", 1),
        ("union", "transform", "ok", None),
        ("filter", "transform", "ok", None),
        ("derive_column", "transform", "ok", None),
        ("aggregate", "transform", "ok", 2),
        ("sink", "sink", "ok", 2),
    ]
    assert result.steps[-1].detail == "out/summary.parquet"
    assert [row[:2] for row in read_rows(project / "out/summary.parquet")] == [
        ("east", 9),
        ("north", 17),
    ]


def test_dry_run_counts_every_step_and_writes_nothing(load: Loader, project: Path) -> None:
    data(project)
    text = PIPELINE.replace("sink:", "checks:\n  - {type: row_count, min: 1}\nsink:")
    result = run_pipeline(load(text), dry_run=True)
    assert result.succeeded and result.dry_run
    assert [s.rows for s in result.steps] == [3, 1, 4, 3, 3, 2, None]
    assert (result.steps[-1].status, result.steps[-1].detail) == ("skipped", "dry run")
    assert result.checks[0].passed
    assert (result.rows_written, result.outputs) == (0, [])
    assert not (project / "out").exists()


def test_dry_run_reports_failing_checks(load: Loader, project: Path) -> None:
    data(project)
    text = PIPELINE.replace("sink:", "checks:\n  - {type: row_count, max: 1}\nsink:")
    result = run_pipeline(load(text), dry_run=True)
    assert result.status == "failed"
    assert "row_count(max=1): 2 rows; expected at most 1" in str(result.error)


def test_a_runtime_failure_is_returned_readably(load: Loader, project: Path) -> None:
    data(project)
    text = PIPELINE.replace("predicate: amount > 5", "predicate: CAST(region AS INT) > 5")
    result = run_pipeline(load(text))
    assert result.status == "failed"
    assert result.error is not None
    # which region fails first depends on DuckDB's thread scheduling
    assert re.search(r"Could not convert string '\w+' to INT32", result.error)
    assert "LINE 1" not in result.error and "\n" not in result.error
    assert result.steps[-1] == StepResult("sink", "sink", "failed", detail=result.error)
    assert list((project / "out").iterdir()) == []


def test_the_result_is_json_ready(load: Loader, project: Path) -> None:
    data(project)
    text = PIPELINE.replace("sink:", "checks:\n  - {type: expression, expr: total > 10}\nsink:")
    result = run_pipeline(load(text), fail_on_checks=False)
    document = json.loads(json.dumps(result.to_dict()))
    assert document["checks"]["failed"] == 1
    assert document["checks"]["results"][0]["samples"] == [
        {"region": "east", "total": 9, "last_day": "2025-01-05"}
    ]


def test_threads_and_concurrent_runs(load: Loader, project: Path) -> None:
    data(project)
    texts = [PIPELINE.replace("out/summary", f"out/summary_{i}") for i in range(4)]
    loaded = [load(text) for text in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda p: run_pipeline(p, threads=1), loaded))
    assert [r.rows_written for r in results] == [2, 2, 2, 2]
    outputs = [read_rows(project / f"out/summary_{i}.parquet") for i in range(4)]
    assert all(rows == outputs[0] for rows in outputs)


def test_output_is_byte_identical_across_runs(load: Loader, project: Path) -> None:
    rows = "".join(f"{i},r{i % 7},{i % 13}\n" for i in range(50_000))
    write(project / "data/orders.csv", "id,region,amount\n" + rows)
    write(project / "data/extra.csv", "id,region,amount\n4,east,9\n")
    text = PIPELINE.replace("out/summary.parquet", "out/summary.csv")
    run_pipeline(load(text))
    first = (project / "out/summary.csv").read_bytes()
    run_pipeline(load(text), threads=2)
    assert (project / "out/summary.csv").read_bytes() == first
