"""Connections to PostgreSQL through ADBC, and the one place its errors become quicketl's.

ADBC's PostgreSQL driver moves rows as Arrow record batches over binary COPY both ways, with no
Python loop over rows; docs/databases.md says why it was chosen and what it measured. It is an
optional extra (`pip install 'quicketl[postgres]'`), imported only when a pipeline uses a
PostgreSQL connection.

Every failure becomes one `EngineError` naming the pipeline and the connection with its
password masked: "pipeline load_orders: postgresql://etl:***@db:5432/shop: ...".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from quicketl.config.secrets import mask
from quicketl.errors import EngineError
from quicketl.locations.lazy_pattern import lazy_pattern

INSTALL_HINT = "PostgreSQL connections need the postgres extra: pip install 'quicketl[postgres]'"
_PG_ERROR = lazy_pattern(r"ERROR:\s+(.+)")
_DETAIL = lazy_pattern(r"DETAIL:\s+(.+)")
_CONNECT = lazy_pattern(r"failed: (?:FATAL:\s+)?(.+?)(?:\n|$)")


UNDEFINED_TABLE = "42P01"


class PostgresError(EngineError):
    """A PostgreSQL connection, query or write that failed (exit 1); `sqlstate` is the
    server's error code when it answered."""

    sqlstate: str | None = None


def failure(pipeline: str, url: str, message: str, sqlstate: str | None = None) -> PostgresError:
    """The one message shape for every PostgreSQL failure."""
    error = PostgresError(f"pipeline {pipeline}: {mask(url)}: {message}")
    error.sqlstate = sqlstate
    return error


@contextmanager
def connected(pipeline: str, url: str) -> Iterator[Any]:
    """An ADBC connection (a transaction open, autocommit off); driver errors become ours."""
    try:
        import adbc_driver_manager
        import adbc_driver_postgresql.dbapi as pg
    except ImportError:
        raise failure(pipeline, url, INSTALL_HINT) from None
    try:
        conn = pg.connect(with_timeout(url))
    except adbc_driver_manager.Error as exc:
        raise failure(pipeline, url, connect_message(str(exc))) from None
    try:
        with translated(pipeline, url):
            yield conn
    finally:
        conn.close()


@contextmanager
def translated(pipeline: str, url: str) -> Iterator[None]:
    """Driver errors raised inside become a `PostgresError`."""
    import adbc_driver_manager

    try:
        yield
    except adbc_driver_manager.Error as exc:
        state = getattr(exc, "sqlstate", None)
        raise failure(pipeline, url, server_message(str(exc)), state) from None


CONNECT_TIMEOUT = 15  # seconds; libpq's default waits for the OS, minutes for a silent host


def with_timeout(url: str) -> str:
    """`url` with libpq's connect_timeout unless it sets one."""
    if "connect_timeout=" in url:
        return url
    return f"{url}{'&' if '?' in url else '?'}connect_timeout={CONNECT_TIMEOUT}"


def adbc_error() -> type[Exception]:
    """The driver's base error class (the driver is imported by then)."""
    import adbc_driver_manager

    error: type[Exception] = adbc_driver_manager.Error
    return error


def connect_message(text: str) -> str:
    """'cannot connect: Connection refused', from libpq's several lines."""
    match = _CONNECT.search(text)
    reason = match.group(1).strip() if match else text.strip().splitlines()[0]
    return f"cannot connect: {reason}"


def server_message(text: str) -> str:
    """The server's own sentence (and its DETAIL), without the driver's framing."""
    match = _PG_ERROR.search(text)
    if match is None:
        first = text.strip().splitlines()[0] if text.strip() else "unknown error"
        return re.sub(r"^[A-Z_]+: (?:\[libpq\] )?", "", first)
    message = match.group(1).strip()
    detail = _DETAIL.search(text)
    if detail:
        message += f" ({detail.group(1).strip().rstrip('.')})"
    return message
