"""Appends into a database table killed at the COMMIT: a retry appends exactly once, never twice.

Each run under test is killed by SIGKILL from inside the sink's own commit function (see
kill_at_table_commit.py), just before or just after the transaction's COMMIT, so the moment is
exact: after the commit the table holds the new rows but the state store does not know. The
token written in the same transaction (table `quicketl.appends`) tells the retry which it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest
from projects import new_project

from .support import cli, json_tasks, killed_by, write_yaml

KILLER = Path(__file__).with_name("kill_at_table_commit.py")
FIRST = "id,region,amount\n1,north,10\n2,south,20\n3,north,30\n"
SECOND = "id,region,amount\n4,east,40\n5,north,50\n6,south,60\n7,west,70\n"
TASK = "load.sales"
DUCKDB = "duckdb:///db/warehouse.duckdb"
NOTE = "an interrupted run had already appended to {}; recorded it, not appended again"


def table_project(tmp_path: Path, connection: str) -> None:
    """One pipeline appending data/in.csv to table `sales`, as a one-stage workflow."""
    project = new_project(tmp_path)
    project.write("data/in.csv", FIRST)
    doc = {
        "name": "sales",
        "source": {"type": "file", "path": "data/in.csv"},
        "sink": {"type": "database", "connection": connection, "table": "sales", "mode": "append"},
    }
    write_yaml(tmp_path / "pipelines/sales.yml", doc)
    project.workflow([{"name": "load", "pipelines": ["pipelines/sales.yml"]}])


def killed(root: Path, when: str, *command: str) -> None:
    """A run (a workflow run unless told) killed at the table's commit; it must die there."""
    killed_by(KILLER, root, when, *(command or ("workflow", "run", "workflows/wf.yml")))


def workflow(root: Path, command: str = "run", code: int = 0) -> dict[str, Any]:
    done = cli("workflow", command, "workflows/wf.yml", "--json", cwd=root)
    assert done.returncode == code, (done.stdout, done.stderr)
    return json_tasks(done.stdout)[TASK]


def duckdb_count(root: Path, sql: str = "SELECT count(*) FROM sales") -> int:
    with duckdb.connect(str(root / "db/warehouse.duckdb"), read_only=True) as conn:
        row = conn.execute(sql).fetchone()
    assert row is not None
    return int(row[0])


def pg_count(url: str, sql: str = "SELECT count(*) FROM sales") -> int:
    import adbc_driver_postgresql.dbapi as pg

    with pg.connect(url, autocommit=True) as conn, conn.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    assert row is not None
    return int(row[0])


def cache_bytes(root: Path) -> bytes:
    return b"".join(p.read_bytes() for p in (root / ".quicketl-cache").rglob("*") if p.is_file())


@pytest.mark.parametrize(("when", "retry"), [("after", "up_to_date"), ("before", "ran")])
def test_a_duckdb_table_append_killed_at_its_commit_appends_once(
    tmp_path: Path, when: str, retry: str
) -> None:
    table_project(tmp_path, DUCKDB)
    assert workflow(tmp_path)["status"] == "ran"
    (tmp_path / "data/in.csv").write_text(SECOND)
    killed(tmp_path, when)
    assert duckdb_count(tmp_path) == (7 if when == "after" else 3)
    if when == "after":
        assert workflow(tmp_path, "status")["status"] == "up_to_date"
    task = workflow(tmp_path)
    assert task["status"] == retry
    if when == "after":
        assert task["reasons"][0] == NOTE.format("table sales in db/warehouse.duckdb")
    assert duckdb_count(tmp_path) == 7
    assert workflow(tmp_path)["status"] == "up_to_date"
    assert duckdb_count(tmp_path) == 7
    assert duckdb_count(tmp_path, "SELECT count(*) FROM quicketl.appends") == 2


def test_the_first_append_into_a_new_duckdb_file_is_not_repeated(tmp_path: Path) -> None:
    table_project(tmp_path, DUCKDB)
    killed(tmp_path, "after")
    assert duckdb_count(tmp_path) == 3
    assert workflow(tmp_path)["status"] == "up_to_date"
    assert duckdb_count(tmp_path) == 3


@pytest.mark.parametrize("when", ["after", "before"])
def test_a_single_run_into_a_duckdb_table_killed_at_its_commit_appends_once(
    tmp_path: Path, when: str
) -> None:
    table_project(tmp_path, DUCKDB)
    assert cli("run", "pipelines/sales.yml", cwd=tmp_path).returncode == 0
    (tmp_path / "data/in.csv").write_text(SECOND)
    killed(tmp_path, when, "run", "pipelines/sales.yml")
    for _ in range(2):
        done = cli("run", "pipelines/sales.yml", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert duckdb_count(tmp_path) == 7


def test_other_table_modes_write_no_bookkeeping(tmp_path: Path) -> None:
    table_project(tmp_path, DUCKDB)
    doc = (tmp_path / "pipelines/sales.yml").read_text().replace("append", "truncate")
    (tmp_path / "pipelines/sales.yml").write_text(doc)
    assert workflow(tmp_path)["status"] == "ran"
    with duckdb.connect(str(tmp_path / "db/warehouse.duckdb"), read_only=True) as conn:
        schemas = {
            row[0] for row in conn.execute("SELECT schema_name FROM duckdb_schemas()").fetchall()
        }
    assert "quicketl" not in schemas


@pytest.mark.parametrize(("when", "retry"), [("after", "up_to_date"), ("before", "ran")])
def test_a_postgres_table_append_killed_at_its_commit_appends_once(
    tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch, when: str, retry: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", pg_url)
    table_project(tmp_path, "${DATABASE_URL}")
    assert workflow(tmp_path)["status"] == "ran"
    (tmp_path / "data/in.csv").write_text(SECOND)
    killed(tmp_path, when)
    assert pg_count(pg_url) == (7 if when == "after" else 3)
    if when == "after":
        assert workflow(tmp_path, "status")["status"] == "up_to_date"
    task = workflow(tmp_path)
    assert task["status"] == retry
    if when == "after":
        assert task["reasons"][0].startswith("an interrupted run had already appended to ")
        shown = "table sales in postgresql://postgres:***@127.0.0.1:"
        assert task["reasons"][0].startswith(f"an interrupted run had already appended to {shown}")
        assert task["reasons"][0].endswith("; recorded it, not appended again")
    assert pg_count(pg_url) == 7
    assert workflow(tmp_path)["status"] == "up_to_date"
    assert pg_count(pg_url) == 7
    password = pg_url.split(":")[2].split("@")[0]
    assert password.encode() not in cache_bytes(tmp_path)
    marks = pg_count(pg_url, "SELECT count(*) FROM quicketl.appends")
    assert marks == 2
    import adbc_driver_postgresql.dbapi as pg

    with pg.connect(pg_url, autocommit=True) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT * FROM quicketl.appends")
        assert password not in repr(cursor.fetchall())


def test_an_unreachable_database_keeps_the_intent_and_never_appends(
    tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", pg_url)
    table_project(tmp_path, "${DATABASE_URL}")
    assert workflow(tmp_path)["status"] == "ran"
    (tmp_path / "data/in.csv").write_text(SECOND)
    killed(tmp_path, "after")
    password = pg_url.split(":")[2].split("@")[0]
    monkeypatch.setenv("DATABASE_URL", pg_url.replace(password, "wrong-password"))
    done = cli("workflow", "run", "workflows/wf.yml", cwd=tmp_path)
    assert done.returncode == 1, (done.stdout, done.stderr)
    said = done.stdout + done.stderr
    assert "cannot check whether an interrupted run's append to table sales committed: " in said
    assert "password authentication failed" in said
    assert "not appended again until the database can tell" in said
    assert "wrong-password" not in said
    assert said.count("warning: cannot check whether") == 1
    assert pg_count(pg_url) == 7
    status = workflow(tmp_path, "status")
    assert status["reasons"][0].endswith("the database can tell; the run will fail this task")
    assert workflow(tmp_path, code=1)["status"] == "failed"
    assert pg_count(pg_url) == 7
    monkeypatch.setenv("DATABASE_URL", pg_url)
    assert workflow(tmp_path)["status"] == "up_to_date"
    assert pg_count(pg_url) == 7


@pytest.mark.parametrize("mode", ["truncate", "replace"])
def test_idempotent_modes_write_no_bookkeeping_on_postgres(
    tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", pg_url)
    table_project(tmp_path, "${DATABASE_URL}")
    doc = (tmp_path / "pipelines/sales.yml").read_text().replace("append", mode)
    (tmp_path / "pipelines/sales.yml").write_text(doc)
    assert workflow(tmp_path)["status"] == "ran"
    assert pg_count(pg_url) == 3
    sql = "SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'quicketl'"
    assert pg_count(pg_url, sql) == 0


def limited_role(admin_url: str, *, with_bookkeeping: bool) -> str:
    """A login role that may append into `sales` but not create anything in the database; with
    `with_bookkeeping`, an admin made quicketl.appends for it. Returns its URL."""
    import adbc_driver_postgresql.dbapi as pg

    database = admin_url.rsplit("/", 1)[1]
    role = f"etl_{database}"
    grants = [
        f"CREATE ROLE {role} LOGIN PASSWORD 'limited-pw'",
        f"REVOKE CREATE ON DATABASE {database} FROM PUBLIC",
        "CREATE TABLE sales (id bigint, region text, amount bigint)",
        f"GRANT SELECT, INSERT ON sales TO {role}",
    ]
    if with_bookkeeping:
        grants += [
            "CREATE SCHEMA quicketl",
            "CREATE TABLE quicketl.appends (token text PRIMARY KEY, task_id text, key text, "
            "table_name text, rows bigint, committed_at timestamptz)",
            f"GRANT USAGE ON SCHEMA quicketl TO {role}",
            f"GRANT SELECT, INSERT ON quicketl.appends TO {role}",
        ]
    with pg.connect(admin_url, autocommit=True) as conn, conn.cursor() as cursor:
        for statement in grants:
            cursor.execute(statement)
    host = admin_url.split("@", 1)[1]
    return f"postgresql://{role}:limited-pw@{host}"


def test_a_role_that_may_not_create_the_bookkeeping_still_appends_and_is_warned(
    tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # QuickETL 1.x appended with such a role: the YAML runs unchanged, warned that a kill at
    # the COMMIT is not covered for it.
    monkeypatch.setenv("DATABASE_URL", limited_role(pg_url, with_bookkeeping=False))
    table_project(tmp_path, "${DATABASE_URL}")
    done = cli("workflow", "run", "workflows/wf.yml", cwd=tmp_path)
    assert done.returncode == 0, (done.stdout, done.stderr)
    assert pg_count(pg_url) == 3
    said = done.stdout + done.stderr
    assert said.count("warning: pipeline sales: postgresql://") == 1
    assert "may not create or write quicketl.appends, so the append was made without" in said
    assert "limited-pw" not in said
    sql = "SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'quicketl'"
    assert pg_count(pg_url, sql) == 0
    (tmp_path / "data/in.csv").write_text(SECOND)
    assert workflow(tmp_path)["status"] == "ran"
    assert pg_count(pg_url) == 7


def test_a_bookkeeping_table_made_by_an_admin_is_used_by_a_limited_role(
    tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", limited_role(pg_url, with_bookkeeping=True))
    table_project(tmp_path, "${DATABASE_URL}")
    done = cli("workflow", "run", "workflows/wf.yml", cwd=tmp_path)
    assert done.returncode == 0, (done.stdout, done.stderr)
    assert "warning" not in done.stdout + done.stderr
    assert pg_count(pg_url) == 3
    assert pg_count(pg_url, "SELECT count(*) FROM quicketl.appends") == 1


def test_status_with_the_variable_naming_the_database_checks_the_append(tmp_path: Path) -> None:
    # The connection is a variable's value: status must be given the same --var to ask.
    table_project(tmp_path, "duckdb:///${DB}")
    (tmp_path / "db").mkdir()
    var = ("--var", "DB=db/warehouse.duckdb")
    assert cli("workflow", "run", "workflows/wf.yml", *var, cwd=tmp_path).returncode == 0
    (tmp_path / "data/in.csv").write_text(SECOND)
    killed(tmp_path, "after", "workflow", "run", "workflows/wf.yml", *var)
    for command in (("status",), ("run", "--dry-run")):
        done = cli("workflow", *command, "workflows/wf.yml", *var, "--json", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert json_tasks(done.stdout)[TASK]["status"] == "up_to_date"
    assert duckdb_count(tmp_path) == 7
