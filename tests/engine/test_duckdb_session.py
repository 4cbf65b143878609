"""A reused DuckDB database: each session is fresh, and the sandbox holds for every one."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from quicketl.engine.access import Access, normalised
from quicketl.engine.duckdb_session import Database, DatabasePool, Session
from quicketl.engine.sql import ident

from .helpers import write


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    db = Database(threads=1, access=Access((str(tmp_path),)))
    yield db
    db.close()


def test_a_temp_view_or_table_is_invisible_to_the_next_session(database: Database) -> None:
    with database.session() as first:
        first.run("CREATE TEMP VIEW leaked_view AS SELECT 1 AS x")
        first.run("CREATE TEMP TABLE leaked_table AS SELECT 1 AS x")
    with database.session() as second:
        for name in ("leaked_view", "leaked_table"):
            with pytest.raises(duckdb.CatalogException):
                second.run(f"SELECT * FROM {name}")


def test_a_setting_is_invisible_to_the_next_session(database: Database) -> None:
    with database.session() as first:
        first.run("PRAGMA enable_profiling = 'no_output'")
        first.run("SET search_path = 'system.main'")
    with database.session() as second:
        assert second.scalar("SELECT current_setting('enable_profiling')") in ("", None)
        assert second.scalar("SELECT current_setting('search_path')") == ""


def test_an_attach_does_not_leak(tmp_path: Path, database: Database) -> None:
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        con.execute("CREATE TABLE t AS SELECT 42 AS answer")
    with database.session() as first:
        alias = first.attach(tmp_path / "w.duckdb", read_only=True)
        assert first.scalar(f"SELECT answer FROM {alias}.t") == 42
    with database.session() as second:
        names = [row[0] for row in second.run("SELECT database_name FROM duckdb_databases()")]
        assert alias not in names
        with pytest.raises(duckdb.CatalogException):
            second.run(f"SELECT * FROM {alias}.t")


def test_an_attach_by_hand_does_not_leak_either(tmp_path: Path, database: Database) -> None:
    with database.session() as first:
        first.run(f"ATTACH '{tmp_path / 'other.duckdb'}' AS by_hand")
    with database.session() as second:
        names = [row[0] for row in second.run("SELECT database_name FROM duckdb_databases()")]
        assert "by_hand" not in names


def test_a_retired_database_is_replaced(tmp_path: Path) -> None:
    pool = DatabasePool()
    try:
        with pool.session(1, Access((str(tmp_path),))) as session:
            session.database.close()  # as reset does when it fails
        with pytest.raises(duckdb.Error):
            session.database.session()
        with pool.session(1, Access((str(tmp_path),))) as again:
            assert again.scalar("SELECT 1") == 1
        assert pool.opened == 2
    finally:
        pool.close()


def test_the_sandbox_holds_in_every_session_of_a_reused_database(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = write(tmp_path_factory.mktemp("outside") / "secret.csv", "token\nTOPSECRET\n")
    inside = write(tmp_path / "in.csv", "id\n1\n")
    pool = DatabasePool()
    try:
        for _ in range(3):
            with pool.session(1, Access((str(tmp_path),))) as session:
                assert session.run(f"SELECT * FROM read_csv('{inside}')") == [(1,)]
                with pytest.raises(duckdb.PermissionException):
                    session.run(f"SELECT * FROM read_csv('{outside}')")
                with pytest.raises(duckdb.Error, match="locked"):
                    session.run("SET enable_external_access = true")
        assert pool.opened == 1
    finally:
        pool.close()


def test_one_database_per_thread_and_sandbox(tmp_path: Path) -> None:
    pool = DatabasePool()
    first, second = Access((str(tmp_path / "a"),)), Access((str(tmp_path / "b"),))
    seen: list[int] = []

    def use() -> None:
        for access in (first, second, first):
            with pool.session(1, access) as session:
                seen.append(id(session.database))

    try:
        use()
        thread = threading.Thread(target=use)
        thread.start()
        thread.join()
        assert pool.opened == 4  # two sandboxes on each of two threads
        assert len(set(seen)) == 4
    finally:
        pool.close()


def test_without_reuse_every_session_has_its_own_database(tmp_path: Path) -> None:
    pool = DatabasePool(reuse=False)
    try:
        for _ in range(3):
            with pool.session(1, Access((str(tmp_path),))) as session:
                session.run("SELECT 1")
        assert pool.opened == 3
    finally:
        pool.close()


def test_a_standalone_session_closes_its_database(tmp_path: Path) -> None:
    with Session(threads=1, access=Access((str(tmp_path),))) as session:
        assert session.scalar("SELECT 41 + 1") == 42
    assert session.database.closed


def test_paths_below_an_allowed_folder_are_dropped(tmp_path: Path) -> None:
    root = str(tmp_path)
    access = Access(
        (root, f"{root}/out/b0", f"{root}x/elsewhere"),
        (f"{root}/data/r.csv", f"{root}/data/../../up.csv", "/srv/outside.csv"),
    )
    assert normalised(access) == Access(
        (root, f"{root}x/elsewhere"), (f"{root}/data/../../up.csv", "/srv/outside.csv")
    )


class _Recorder:
    """A connection that notes every statement it is asked to run (issue 14: each costs
    0.1-0.5 ms, more than a tiny pipeline's own work)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.statements: list[str] = []

    def execute(self, sql: str) -> duckdb.DuckDBPyConnection:
        self.statements.append(sql)
        return self.con.execute(sql)

    def __getattr__(self, name: str) -> object:
        return getattr(self.con, name)


def recording(session: Session) -> _Recorder:
    recorder = _Recorder(session.con)
    session.con = recorder  # type: ignore[assignment]
    return recorder


def test_describe_reads_no_rows_and_gives_describes_type_names(database: Database) -> None:
    columns = (
        'a DECIMAL(18,3), "we ird" STRUCT("x y" INTEGER, c VARCHAR[]), m MAP(VARCHAR, INTEGER), '
        "t TIMESTAMP WITH TIME ZONE, u UNION(i INTEGER, s VARCHAR), e ENUM('x', 'y'), d DATE"
    )
    with database.session() as session:
        session.run(f"CREATE TEMP TABLE typed ({columns})")
        session.run('CREATE TEMP VIEW "a view" AS SELECT *, a * 2 AS doubled FROM typed')
        # reading a row of this view fails: describing it must not read one
        session.run(
            "CREATE TEMP VIEW unreadable AS SELECT CAST(s AS INTEGER) AS n, error(s) AS e "
            "FROM (VALUES ('not a number')) t(s)"
        )
        names = ("typed", "a view", "unreadable")
        expected = {name: session.run(f"DESCRIBE {ident(name)}") for name in names}
        recorder = recording(session)
        for name, rows in expected.items():
            relation = session.describe(name)
            assert [(c.name, c.type) for c in relation.columns] == [(r[0], r[1]) for r in rows]
        # at most one statement each (a LIMIT 0 SELECT with DuckDB's compiled module alone),
        # never a DESCRIBE, which costs two to three times a bind
        assert len(recorder.statements) <= len(names)
        assert not any("DESCRIBE" in statement for statement in recorder.statements)


def test_a_profiled_statement_that_ends_the_session_is_the_last_one_run(
    database: Database,
) -> None:
    with database.session() as session:
        recorder = recording(session)
        rows, profile = session.profiled("SELECT 42")
    assert rows == [(42,)]
    assert profile is not None
    assert recorder.statements == ["PRAGMA enable_profiling = 'no_output'", "SELECT 42"]


def test_the_profiler_is_off_again_for_the_next_statement(database: Database) -> None:
    with database.session() as session:
        session.profiled("SELECT 1")
        assert session.scalar("SELECT current_setting('enable_profiling')") in ("", None)
        rows, profile = session.profiled("SELECT 2")  # and on again when asked
        assert rows == [(2,)]
        assert profile is not None
