"""The file a `duckdb://` connection URL names, however many slashes it was written with.

`duckdb:///data/w.duckdb` (three slashes, SQLAlchemy's spelling) and `duckdb://data/w.duckdb`
(two, as QuickETL 1.x and ibis write it) both name `data/w.duckdb`, a path relative to the
project root; `duckdb:////srv/w.duckdb` (four slashes) names the absolute `/srv/w.duckdb`.
"""

from __future__ import annotations


def duckdb_path(url: str) -> str | None:
    """The path as written (relative or absolute), "" when there is none; None if not DuckDB."""
    scheme, sep, rest = url.strip().partition("://")
    if not sep or scheme.lower() != "duckdb":
        return None
    path = rest.split("?", 1)[0]
    return path.removeprefix("/")
