"""A pipeline its own COPY checks runs as that COPY alone; the same bytes and messages as before."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from quicketl.engine import copyfirst, pipeline_run, run_pipeline
from quicketl.engine.duckdb_session import Session
from quicketl.errors import ConfigError

from .helpers import Loader, parquet, write

CSV = """\
id,name,day,amount,note
1,"Smith, Anne",2024-01-02,10.5,
2,O'Brien,2024-02-29,-3,"said ""hi"" once"
3,,2023-12-31,7,x
"""


@pytest.fixture
def executed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every DuckDB statement the sessions run (the profiled COPY included)."""
    seen: list[str] = []
    real = Session._execute

    def counted(self: Session, sql: str) -> list[tuple[Any, ...]]:
        seen.append(sql)
        return real(self, sql)

    monkeypatch.setattr(Session, "_execute", counted)
    return seen


def prepared_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every pipeline prepared before it runs, as before copy-first."""
    monkeypatch.setattr(pipeline_run, "copy_first_chain", lambda session, loaded: None)


def pipeline(source: str, transforms: str = "", sink: str = "out/out.parquet") -> str:
    steps = f"transforms:\n{transforms}" if transforms else ""
    return f"name: p\nsource: {{path: {source}}}\n{steps}sink: {{path: {sink}}}\n"


FILTER = "  - op: filter\n    predicate: amount > 0\n"
FILTER_LIMIT = FILTER + "  - op: limit\n    n: 1\n"


def test_a_tiny_pipeline_runs_as_its_copy_alone(
    load: Loader, project: Path, executed: list[str]
) -> None:
    write(project / "data/in.csv", CSV)
    result = run_pipeline(load(pipeline("data/in.csv", FILTER)))
    assert result.succeeded, result.error
    assert len(executed) == 1 and executed[0].startswith("COPY (")
    assert (result.rows_read, result.rows_written) == (3, 2)


@pytest.mark.parametrize(
    ("source", "transforms", "sink"),
    [
        ("data/in.csv", FILTER, "out/out.parquet"),
        ("data/in.csv", FILTER_LIMIT, "out/out.csv"),
        ("data/in.csv", "", "out/out.json"),
        ("data/semi.csv", FILTER, "out/out.csv.gz"),
        ("data/in.parquet", FILTER, "out/out.parquet"),
        ("data/in.parquet", "", "out/out.csv"),
        ("data/*.csv", "", "out/out.csv"),
    ],
)
def test_outputs_and_results_are_those_of_a_prepared_run(
    load: Loader,
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    source: str,
    transforms: str,
    sink: str,
) -> None:
    write(project / "data/in.csv", CSV)
    write(project / "data/semi.csv", CSV.replace(",", ";"))
    parquet(project / "data/in.parquet", "SELECT range AS id, range - 2 AS amount FROM range(9)")
    fast = run_pipeline(load(pipeline(source, transforms, sink)))
    fast_bytes = (project / sink).read_bytes()
    prepared_first(monkeypatch)
    slow = run_pipeline(load(pipeline(source, transforms, sink)))
    assert fast.succeeded, fast.error
    assert (project / sink).read_bytes() == fast_bytes
    assert _comparable(fast) == _comparable(slow)


def _comparable(result: Any) -> dict[str, Any]:
    data = asdict(result)
    data.pop("duration_ms")
    for step in data["steps"]:
        step.pop("duration_ms", None)
    return data


@pytest.mark.parametrize(
    ("transforms", "text"),
    [
        ("  - op: filter\n    predicate: amount > nosuch\n", None),  # does not bind
        ("  - op: filter\n    predicate: amount > 0; SELECT 1\n", None),  # a second statement
        ("  - op: filter\n    predicate: CAST(note AS INTEGER) > 0\n", None),  # fails reading
        ("", "id,name\r\n1,a\r\n2,b\n3,c,d\n"),  # a layout DuckDB cannot detect
    ],
)
def test_a_failure_says_what_a_prepared_run_said_and_leaves_nothing(
    load: Loader,
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    transforms: str,
    text: str | None,
) -> None:
    (project / "data").mkdir()
    (project / "data/in.csv").write_bytes((text or CSV).encode())
    fast = _outcome(load, pipeline("data/in.csv", transforms))
    assert not (project / "out").exists() or not list((project / "out").iterdir())
    prepared_first(monkeypatch)
    assert fast == _outcome(load, pipeline("data/in.csv", transforms))


def _outcome(load: Loader, text: str) -> Any:
    try:
        result = run_pipeline(load(text))
    except ConfigError as exc:
        return str(exc)
    assert not result.succeeded
    return _comparable(result)


@pytest.mark.parametrize(
    "predicate",
    ["amount > (SELECT min(amount) FROM qetl_src_0)", "amount > 0 -- ;"],
)
def test_user_sql_naming_the_engines_relations_or_with_a_semicolon_is_prepared_first(
    load: Loader, project: Path, executed: list[str], predicate: str
) -> None:
    write(project / "data/in.csv", CSV)
    transforms = f"  - op: filter\n    predicate: {predicate!r}\n"
    result = run_pipeline(load(pipeline("data/in.csv", transforms)))
    assert result.succeeded, result.error
    assert any(sql.startswith("CREATE TEMP VIEW") for sql in executed)


@pytest.mark.parametrize(
    "transforms",
    [
        "  - op: sort\n    by: [id]\n",  # names a column
        "  - op: select\n    columns: [id]\n",
    ],
)
def test_a_step_naming_columns_is_prepared_first(
    load: Loader, project: Path, executed: list[str], transforms: str
) -> None:
    write(project / "data/in.csv", CSV)
    result = run_pipeline(load(pipeline("data/in.csv", transforms)))
    assert result.succeeded, result.error
    assert len(executed) > 1


def test_a_large_csv_file_is_sniffed_and_its_detection_kept(
    load: Loader, project: Path, executed: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(project / "data/in.csv", CSV)
    monkeypatch.setattr(copyfirst, "SNIFF_FROM_BYTES", len(CSV))
    result = run_pipeline(load(pipeline("data/in.csv", FILTER)))
    assert result.succeeded, result.error
    assert [sql.split("(")[0].split()[-1] for sql in executed] == ["sniff_csv", "COPY"]


@pytest.mark.parametrize("source", ["data/in.csv", "data/in.parquet"])
def test_a_pipeline_without_steps_counts_its_rows_read_from_its_copy(
    load: Loader, project: Path, executed: list[str], monkeypatch: pytest.MonkeyPatch, source: str
) -> None:
    write(project / "data/in.csv", CSV)
    parquet(project / "data/in.parquet", "SELECT range AS id FROM range(3)")
    profiled: list[str] = []
    real = Session.profiled

    def counted(self: Session, sql: str) -> Any:
        profiled.append(sql)
        return real(self, sql)

    monkeypatch.setattr(Session, "profiled", counted)
    result = run_pipeline(load(pipeline(source)))
    assert result.succeeded, result.error
    # Every row read is written: no profile, no count of the source after the COPY.
    assert profiled == [] and len(executed) == 1
    assert (result.rows_read, result.rows_written) == (3, 3)
