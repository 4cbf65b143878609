"""Connection URLs: DuckDB files, relative with three slashes and absolute with four."""

from __future__ import annotations

from pathlib import Path

import pytest

from quicketl.engine.dburl import UnsupportedConnection, duckdb_file


def test_three_slashes_are_relative_to_the_project_root(tmp_path: Path) -> None:
    assert duckdb_file("duckdb:///data/w.duckdb", tmp_path) == tmp_path / "data" / "w.duckdb"


def test_four_slashes_are_absolute(tmp_path: Path) -> None:
    assert duckdb_file("duckdb:////srv/w.duckdb", tmp_path) == Path("/srv/w.duckdb")


@pytest.mark.parametrize(
    ("url", "relative"),
    [("duckdb://w.duckdb", "w.duckdb"), ("DuckDB://data/w.duckdb?access_mode=x", "data/w.duckdb")],
)
def test_two_slashes_as_1x_writes_them_are_relative_to_the_project_root(
    url: str, relative: str, tmp_path: Path
) -> None:
    assert duckdb_file(url, tmp_path) == tmp_path / relative


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://user:secret@host/db", "unsupported connection scheme 'mysql'"),
        ("sqlite:///x.db", "unsupported connection scheme 'sqlite'"),
        ("data/w.duckdb", "is not a connection URL"),
        ("duckdb://", "names a file: three slashes"),
        ("duckdb:///", "names a file: three slashes"),
        ("duckdb:///:memory:", "in-memory"),
    ],
)
def test_unsupported_urls_say_what_is_supported(url: str, message: str, tmp_path: Path) -> None:
    with pytest.raises(UnsupportedConnection, match=message) as caught:
        duckdb_file(url, tmp_path)
    assert "secret" not in str(caught.value)
    if "scheme" in message:
        assert "duckdb:///path/to/file.duckdb, postgresql://user@host:port/db" in str(caught.value)
