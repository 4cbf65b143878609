"""Database connection URLs of DuckDB files, spelt the SQLAlchemy way.

PostgreSQL connections (URLs and quicketl.yml profiles) are in config/connections.py.

`duckdb:///data/w.duckdb` (three slashes) is relative to the project root and
`duckdb:////srv/w.duckdb` (four slashes) is absolute. QuickETL 1.x's two slashes,
`duckdb://data/w.duckdb`, mean what 1.x meant: a relative path (see quicketl/locations/urls.py).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from quicketl.config.filekind import special_kind
from quicketl.locations.paths import resolve_data_path
from quicketl.locations.urls import duckdb_path, redacted, url_scheme

SUPPORTED = (
    "supported: duckdb:///path/to/file.duckdb, postgresql://user@host:port/db, "
    "or the name of a profile in quicketl.yml"
)


class UnsupportedConnection(ValueError):
    """A connection URL the engine cannot open; the message says what is supported."""


def duckdb_file(url: str, root: Path) -> Path:
    """The DuckDB file a `duckdb:///...` URL names, resolved against the project root."""
    scheme = url_scheme(url)
    if scheme is None:
        raise UnsupportedConnection(f"'{redacted(url)}' is not a connection URL ({SUPPORTED})")
    if scheme != "duckdb":
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
    return resolve_data_path(path, root)


# Every DuckDB database file carries these bytes at this offset (its main header).
_MAGIC, _MAGIC_AT = b"DUCK", 8


def not_a_database(path: Path) -> str | None:
    """What `path` is when it exists but is no DuckDB database ("a CSV file"), else None.

    DuckDB attaches such a file without complaint and then writes to an in-memory database in
    its place (or refuses to read it, blaming a later step), so it is checked up front.
    """
    try:
        mode = os.stat(path).st_mode
        if stat.S_ISDIR(mode):
            return "a folder"
        kind = special_kind(mode)
        if kind is not None:
            return kind
        with open(path, "rb") as stream:
            head = stream.read(_MAGIC_AT + len(_MAGIC))
    except OSError:
        return None  # missing or unreadable: opening it says which, in DuckDB's words
    if not head:
        return "an empty file"
    if head[_MAGIC_AT:] == _MAGIC:
        return None
    suffix = path.suffix.lstrip(".").upper()
    return f"a {suffix} file" if suffix else "a file of another format"


def not_a_database_message(path: Path, what: str, *, writing: bool) -> str:
    other = (
        "write other files with a file sink" if writing else "read other files with a file source"
    )
    return (
        f"{path} is {what}, not a DuckDB database; a duckdb:/// URL names a database file ({other})"
    )
