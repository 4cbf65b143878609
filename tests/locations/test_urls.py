"""quicketl.locations.urls: remote data and database URLs, told apart from paths."""

from __future__ import annotations

import pytest

from quicketl.locations.urls import duckdb_path, is_remote, redacted, url_scheme


@pytest.mark.parametrize(
    "url",
    [
        "s3://bucket/raw/x.csv",  # a scheme with a digit: `"s3".isalpha()` is False
        "gs://bucket/x.parquet",
        "https://example.com/data.csv",
        "HTTP://example.com/data.csv",
        "az://container/x.csv",
        "r2://bucket/*.parquet",
    ],
)
def test_urls_are_remote(url: str) -> None:
    assert is_remote(url)


@pytest.mark.parametrize(
    "path", ["data/x.csv", "/srv/x.csv", "C://x.csv", "3s://x", "data/a://b", "", "://x"]
)
def test_paths_are_not_remote(path: str) -> None:
    assert not is_remote(path)


def test_the_scheme_is_lower_cased() -> None:
    assert url_scheme("S3://b/x") == "s3"
    assert url_scheme("data/x.csv") is None


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("duckdb:///data/w.duckdb", "data/w.duckdb"),
        ("duckdb://data/w.duckdb", "data/w.duckdb"),  # 1.x's two slashes: also relative
        ("duckdb:////srv/w.duckdb", "/srv/w.duckdb"),
        ("DuckDB:///w.duckdb?access_mode=read_only", "w.duckdb"),
        ("duckdb://", ""),
        ("postgresql://u@h/db", None),
        ("data/w.duckdb", None),
    ],
)
def test_duckdb_path(url: str, path: str | None) -> None:
    assert duckdb_path(url) == path


def test_redacted_drops_the_credentials() -> None:
    assert redacted("postgresql://user:pw@host/db") == "host/db"
