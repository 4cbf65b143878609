"""Database connection URLs: DuckDB files only, spelt the SQLAlchemy way.

`duckdb:///data/w.duckdb` (three slashes) is relative to the project root and
`duckdb:////srv/w.duckdb` (four slashes) is absolute. QuickETL 1.x's two slashes,
`duckdb://data/w.duckdb`, mean what 1.x meant: a relative path (see config/dburl.py).
"""

from __future__ import annotations

from pathlib import Path

from quicketl.config.dburl import duckdb_path

SUPPORTED = "supported: duckdb:///path/to/file.duckdb; PostgreSQL support is planned"


class UnsupportedConnection(ValueError):
    """A connection URL the engine cannot open; the message says what is supported."""


def duckdb_file(url: str, root: Path) -> Path:
    """The DuckDB file a `duckdb:///...` URL names, resolved against the project root."""
    scheme, sep, _ = url.strip().partition("://")
    if not sep:
        raise UnsupportedConnection(f"'{_redacted(url)}' is not a connection URL ({SUPPORTED})")
    if scheme.lower() != "duckdb":
        raise UnsupportedConnection(f"unsupported connection scheme '{scheme}' ({SUPPORTED})")
    path = duckdb_path(url) or ""
    if not path:
        raise UnsupportedConnection(
            "a DuckDB URL names a file: three slashes before a relative path "
            "(duckdb:///data/w.duckdb) or four before an absolute one (duckdb:////srv/w.duckdb)"
        )
    if path == ":memory:":
        raise UnsupportedConnection(
            f"an in-memory database cannot be read or written ({SUPPORTED})"
        )
    candidate = Path(path).expanduser()
    return candidate if candidate.is_absolute() else root / candidate


def _redacted(url: str) -> str:
    # A URL may carry a password; never echo more than its scheme-less head.
    return url.split("@", 1)[-1] if "@" in url else url
