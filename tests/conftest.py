"""Shared fixtures: make the tests package importable for its helper modules."""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

_databases = itertools.count(1)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[object]:
    """One throwaway PostgreSQL cluster for the whole session, started on first use
    (tests/pgserver.py); stopped at the end, also when tests fail."""
    from pgserver import running_server

    with running_server() as server:
        yield server


@pytest.fixture
def pg_url(pg_server: object) -> str:
    """The URL (superuser, password included) of a new, empty database for this test."""
    from pgserver import PgServer

    assert isinstance(pg_server, PgServer)
    name = f"test_{next(_databases)}"
    pg_server.execute(f"CREATE DATABASE {name}")
    return pg_server.url(name)


@pytest.fixture
def statements(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every SQL statement the engine's sessions run, in order."""
    from quicketl.engine.duckdb_session import Session

    ran: list[str] = []
    original = Session.run

    def recorded(self: Session, sql: str) -> list[tuple[object, ...]]:
        ran.append(sql)
        return original(self, sql)

    monkeypatch.setattr(Session, "run", recorded)
    return ran
