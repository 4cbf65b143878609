"""URLs: remote data a pipeline reads (`s3://`, `https://`, ...) and database connections.

`duckdb:///data/w.duckdb` (three slashes, SQLAlchemy's spelling) and `duckdb://data/w.duckdb`
(two, as QuickETL 1.x and ibis write it) both name `data/w.duckdb`, a path relative to the
project root; `duckdb:////srv/w.duckdb` (four slashes) names the absolute `/srv/w.duckdb`.
"""

from __future__ import annotations

import re

# RFC 3986: a scheme is a letter, then letters, digits, `+`, `-` or `.` (so `s3` is one).
# One letter is not: `C://x` is a Windows drive, not a URL.
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+")


def url_scheme(text: str) -> str | None:
    """The scheme of a URL (`s3`, `https`, `duckdb`), lower-cased; None if `text` is a path."""
    if "://" not in text:  # most paths, in one C call (stripping spaces cannot make one)
        return None
    head, sep, _ = text.strip().partition("://")
    if not sep or _SCHEME.fullmatch(head) is None:
        return None
    return head.lower()


def is_remote(location: str) -> bool:
    """A URL such as s3://... or https://..., read by DuckDB itself rather than from disk."""
    return url_scheme(location) is not None


def duckdb_path(url: str) -> str | None:
    """The path as written (relative or absolute), "" when there is none; None if not DuckDB."""
    if url_scheme(url) != "duckdb":
        return None
    rest = url.strip().partition("://")[2]
    return rest.split("?", 1)[0].removeprefix("/")


def redacted(url: str) -> str:
    """A URL without its user and password part (never echo a credential)."""
    return url.split("@", 1)[-1] if "@" in url else url
