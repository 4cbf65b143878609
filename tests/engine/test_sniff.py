"""One CSV detection per run: the sniffed options read exactly what auto-detection reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from quicketl.config.sources import FileSource
from quicketl.engine import run_pipeline
from quicketl.engine.duckdb_session import Session
from quicketl.engine.readers import file_reader
from quicketl.engine.sniff import csv_reader
from quicketl.errors import ConfigError

from .helpers import Loader, write

TRICKY = (
    'id;name;when;amount\n1;"Smith; John";2025-01-15 10:00:00;1,5\n'
    '2;"say ""hi""";2025-01-16 11:30:00;NA\n3;;2025-01-17 00:00:00;2\n'
)


def source(path: Path, **options: object) -> FileSource:
    return FileSource.model_validate({"path": str(path), "options": options})


def rows(session: Session, reader: str) -> list[tuple[object, ...]]:
    return session.run(f"SELECT * FROM {reader}")


def test_sniffed_read_matches_the_auto_detecting_read(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", TRICKY)
    for options in ({}, {"null_values": ["NA"]}, {"columns": {"amount": "VARCHAR"}}):
        spec = source(path, **options)
        with Session() as session:
            explicit = csv_reader(session, spec, str(path))
            assert "auto_detect=false" in explicit
            assert rows(session, explicit) == rows(session, file_reader(spec, str(path)))


def test_globs_and_headerless_files_keep_auto_detection(tmp_path: Path) -> None:
    write(tmp_path / "a.csv", "1,2\n")
    with Session() as session:
        pattern = str(tmp_path / "*.csv")
        assert csv_reader(session, source(tmp_path / "a.csv"), pattern) == file_reader(
            source(tmp_path / "a.csv"), pattern
        )
        headerless = source(tmp_path / "a.csv", header=False, columns={"a": "INT", "b": "INT"})
        path = str(tmp_path / "a.csv")
        assert csv_reader(session, headerless, path) == file_reader(headerless, path)


def test_an_undetectable_csv_names_the_path_and_what_to_set(load: Loader, project: Path) -> None:
    (project / "ragged.csv").write_bytes(b"id,name\r\n1,a\r\n2,b\n3,c,d\n")
    loaded = load("""
        name: p
        source: {path: ragged.csv}
        sink: {path: out.parquet}
    """)
    with pytest.raises(ConfigError) as caught:
        run_pipeline(loaded)
    (problem,) = caught.value.problems
    assert (problem.field, problem.line) == ("source.path", 3)
    assert problem.message.startswith("DuckDB cannot detect this CSV file's layout")
    assert not (project / "out.parquet").exists()


@pytest.mark.parametrize(
    "header",
    ["id,it's", "id,\"a'}, 'x': 'VARCHAR'}) --\"", "id,b\\\\'"],
    ids=["apostrophe", "sql in a name", "backslash quote"],
)
def test_a_quote_in_the_header_reads_like_auto_detection(tmp_path: Path, header: str) -> None:
    path = write(tmp_path / "q.csv", f"{header}\n1,2\n3,4\n")
    spec = source(path)
    with Session() as session:
        explicit = csv_reader(session, spec, str(path))
        assert "auto_detect=false" in explicit
        assert rows(session, explicit) == rows(session, file_reader(spec, str(path)))


def test_a_quote_in_a_header_runs_end_to_end(load: Loader, project: Path) -> None:
    write(project / "data" / "q.csv", "id,it's\n1,2\n")
    loaded = load("""
        name: p
        source: {path: data/q.csv}
        sink: {path: out/q.csv}
    """)
    assert run_pipeline(loaded).succeeded
    assert (project / "out" / "q.csv").read_text() == "id,it's\n1,2\n"


def test_a_quote_in_the_path_reads(tmp_path: Path) -> None:
    path = write(tmp_path / "it's" / "q.csv", "id,v\n1,2\n")
    spec = source(path)
    with Session() as session:
        assert rows(session, csv_reader(session, spec, str(path))) == [(1, 2)]
