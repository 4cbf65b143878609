"""File sinks: formats, overwrite, append that really appends, partitions, atomic writes."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest

from quicketl.engine import run_pipeline
from quicketl.engine.pipeline_result import PipelineResult

from .helpers import Loader, read_rows, write


def batch(project: Path, rows: str) -> None:
    write(project / "data/in.csv", "id,region,amount\n" + rows)


def sink_run(load: Loader, sink: str, transforms: str = "") -> PipelineResult:
    text = f"name: s\nsource: {{path: data/in.csv}}\n{transforms}sink: {sink}\n"
    result = run_pipeline(load(text))
    return result


def leftovers(folder: Path) -> list[str]:
    return sorted(name for name in os.listdir(folder) if "quicketl-tmp" in name)


@pytest.mark.parametrize("path", ["out/a.parquet", "out/a.csv", "out/a.json"])
def test_each_format_round_trips_and_parents_are_created(
    load: Loader, project: Path, path: str
) -> None:
    batch(project, "1,north,10\n2,south,20\n")
    result = sink_run(load, f"{{path: {path}}}")
    assert result.succeeded, result.error
    assert (result.rows_written, result.outputs) == (2, [path])
    assert read_rows(project / path) == [(1, "north", 10), (2, "south", 20)]
    assert leftovers(project / "out") == []


def test_json_sink_is_newline_delimited(load: Loader, project: Path) -> None:
    batch(project, "1,north,10\n2,south,20\n")
    sink_run(load, "{path: out/a.json}")
    lines = (project / "out/a.json").read_text().splitlines()
    assert lines == [
        '{"id":1,"region":"north","amount":10}',
        '{"id":2,"region":"south","amount":20}',
    ]


def test_gzip_csv_is_compressed(load: Loader, project: Path) -> None:
    batch(project, "1,north,10\n")
    sink_run(load, "{path: out/a.csv.gz}")
    assert (
        gzip.decompress((project / "out/a.csv.gz").read_bytes())
        == b"id,region,amount\n1,north,10\n"
    )


def test_tsv_is_tab_separated(load: Loader, project: Path) -> None:
    batch(project, "1,north,10\n")
    sink_run(load, "{path: out/a.tsv}")
    assert (project / "out/a.tsv").read_text() == "id\tregion\tamount\n1\tnorth\t10\n"


def test_overwrite_replaces(load: Loader, project: Path) -> None:
    batch(project, "1,north,10\n")
    sink_run(load, "{path: out/a.csv}")
    batch(project, "2,south,20\n")
    sink_run(load, "{path: out/a.csv, mode: overwrite}")
    assert read_rows(project / "out/a.csv") == [(2, "south", 20)]


@pytest.mark.parametrize("path", ["out/a.parquet", "out/a.csv", "out/a.json"])
def test_append_keeps_the_old_rows(load: Loader, project: Path, path: str) -> None:
    batch(project, "1,north,10\n2,south,20\n")
    first = sink_run(load, f"{{path: {path}, mode: append}}")
    batch(project, "3,east,30\n")
    second = sink_run(load, f"{{path: {path}, mode: append}}")
    assert (first.rows_written, second.rows_written) == (2, 1)
    assert read_rows(project / path) == [(1, "north", 10), (2, "south", 20), (3, "east", 30)]
    assert leftovers(project / "out") == []


def test_csv_append_keeps_the_old_bytes(load: Loader, project: Path) -> None:
    target = write(project / "out/a.csv", 'id,region,amount\n007,"north",1.50')  # no final newline
    batch(project, "3,east,30\n")
    sink_run(load, "{path: out/a.csv, mode: append}")
    assert target.read_text() == 'id,region,amount\n007,"north",1.50\n3,east,30\n'


def test_csv_append_with_other_columns_fails_and_keeps_the_file(
    load: Loader, project: Path
) -> None:
    target = write(project / "out/a.csv", "id,name\n1,x\n")
    batch(project, "3,east,30\n")
    result = sink_run(load, "{path: out/a.csv, mode: append}")
    assert result.status == "failed"
    assert "columns (id, name) differ from the new rows' (id, region, amount)" in str(result.error)
    assert target.read_text() == "id,name\n1,x\n"
    assert leftovers(project / "out") == []


def test_parquet_append_matches_columns_by_name(load: Loader, project: Path) -> None:
    batch(project, "1,north,10\n")
    sink_run(load, "{path: out/a.parquet, mode: append}")
    batch(project, "2,south,20\n")
    steps = "transforms:\n  - {op: select, columns: [amount, id]}\n"
    sink_run(load, "{path: out/a.parquet, mode: append}", steps)
    assert read_rows(project / "out/a.parquet") == [(1, "north", 10), (2, None, 20)]


def test_partitioned_write_is_hive_style(load: Loader, project: Path) -> None:
    batch(project, "1,north,10\n2,south,20\n3,north,30\n")
    result = sink_run(load, "{path: out/sales/, partition_by: [region]}")
    assert result.succeeded, result.error
    assert (result.rows_written, result.outputs) == (3, ["out/sales"])
    assert sorted(os.listdir(project / "out/sales")) == ["region=north", "region=south"]
    assert read_rows(project / "out/sales", order="id") == [
        (1, 10, "north"),
        (2, 20, "south"),
        (3, 30, "north"),
    ]


def test_partitioned_overwrite_replaces_the_whole_folder(load: Loader, project: Path) -> None:
    batch(project, "1,north,10\n2,south,20\n")
    sink_run(load, "{path: out/sales, partition_by: region}")
    batch(project, "3,east,30\n")
    sink_run(load, "{path: out/sales, partition_by: region}")
    assert sorted(os.listdir(project / "out/sales")) == ["region=east"]


def test_partitioned_append_adds_files_and_keeps_old_rows(load: Loader, project: Path) -> None:
    batch(project, "1,north,10\n2,south,20\n")
    sink_run(load, "{path: out/sales, partition_by: region, mode: append}")
    old_file = next((project / "out/sales/region=north").iterdir())
    old_inode = old_file.stat().st_ino
    batch(project, "3,north,30\n4,east,40\n")
    result = sink_run(load, "{path: out/sales, partition_by: region, mode: append}")
    assert result.rows_written == 2
    assert read_rows(project / "out/sales", order="id") == [
        (1, 10, "north"),
        (2, 20, "south"),
        (3, 30, "north"),
        (4, 40, "east"),
    ]
    assert old_file.stat().st_ino == old_inode  # hard-linked, never rewritten
    assert len(list((project / "out/sales/region=north").iterdir())) == 2
    assert leftovers(project / "out") == []


def test_zero_rows_partitioned_still_writes_the_folder(load: Loader, project: Path) -> None:
    batch(project, "1,north,10\n")
    steps = "transforms:\n  - {op: filter, predicate: 'false'}\n"
    result = sink_run(load, "{path: out/sales, partition_by: region}", steps)
    assert result.succeeded and result.rows_written == 0
    assert (project / "out/sales").is_dir()


@pytest.mark.parametrize(
    "sink",
    [
        "{path: out/a.parquet}",
        "{path: out/a.csv, mode: append}",
        "{path: out/a.parquet, mode: append}",
        "{path: out/sales, partition_by: region}",
        "{path: out/sales, partition_by: region, mode: append}",
    ],
)
def test_a_failing_run_leaves_the_previous_output_untouched(
    load: Loader, project: Path, sink: str
) -> None:
    batch(project, "1,north,10\n")
    assert sink_run(load, sink).succeeded
    target = project / ("out/sales" if "sales" in sink else sink.split()[1].rstrip(",}"))
    before = snapshot(target)
    batch(project, "2,south,oops\n")
    failing = "transforms:\n  - {op: cast, columns: {amount: int}}\n"
    result = sink_run(load, sink, failing)
    assert result.status == "failed"
    assert "oops" in str(result.error)
    assert snapshot(target) == before
    assert leftovers(project / "out") == []


def snapshot(target: Path) -> dict[str, bytes]:
    if target.is_file():
        return {target.name: target.read_bytes()}
    return {
        str(p.relative_to(target)): p.read_bytes() for p in sorted(target.rglob("*")) if p.is_file()
    }


@pytest.mark.parametrize(
    "sink",
    [
        "{path: out/a.csv, mode: append}",
        "{path: out/a.json, mode: append}",
        "{path: out/a.parquet, mode: append}",
        "{path: out/sales, partition_by: region, mode: append}",
    ],
)
def test_every_append_calls_before_commit_with_the_finished_temp(
    load: Loader, project: Path, sink: str
) -> None:
    calls: list[tuple[Path, Path]] = []

    def before_commit(staged: Path, target: Path) -> None:
        assert staged.exists() and staged.parent == target.parent
        calls.append((staged, target))

    text = f"name: s\nsource: {{path: data/in.csv}}\nsink: {sink}\n"
    for rows in ("1,north,10\n", "2,south,20\n"):  # to a missing target, then an existing one
        batch(project, rows)
        assert run_pipeline(load(text), before_commit=before_commit).succeeded
    target = project / ("out/sales" if "sales" in sink else sink.split()[1].rstrip(","))
    assert [t for _, t in calls] == [target, target]
    assert not any(staged.exists() for staged, _ in calls)  # each renamed in


def test_an_overwrite_does_not_call_before_commit(load: Loader, project: Path) -> None:
    batch(project, "1,north,10\n")
    text = "name: s\nsource: {path: data/in.csv}\nsink: {path: out/a.csv}\n"
    assert run_pipeline(load(text), before_commit=lambda *_: pytest.fail("called")).succeeded
