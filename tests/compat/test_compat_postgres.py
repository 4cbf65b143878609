"""QuickETL 1.x's database-backed files run unchanged against a real PostgreSQL server: a
`quicketl.yml` connection profile with `${secret:...}`, `connection: ${DATABASE_URL}`, the
sink modes, and a 1.x workflow over them (`postgres/`)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest

PROJECT = Path(__file__).parent / "postgres"
QUICKETL = Path(sys.executable).with_name("quicketl")


def query(url: str, sql: str) -> list[tuple[Any, ...]]:
    import adbc_driver_postgresql.dbapi as pg

    with pg.connect(url, autocommit=True) as conn, conn.cursor() as cursor:
        cursor.execute(sql)
        return list(cursor.fetchall()) if cursor.description else []


@pytest.fixture
def root(tmp_path: Path, pg_url: str, pg_server: Any) -> Path:
    shutil.copytree(PROJECT, tmp_path / "project")
    query(pg_url, "CREATE TABLE orders (customer_id int, amount numeric(8,2))")
    query(pg_url, "INSERT INTO orders VALUES (1, 10), (1, 5.5), (2, 100), (3, 1)")
    query(pg_url, "CREATE SCHEMA crm")
    query(pg_url, "CREATE TABLE crm.customers (customer_id bigint PRIMARY KEY, name text)")
    query(pg_url, "INSERT INTO crm.customers VALUES (1, 'old'), (9, 'kept')")
    return tmp_path / "project"


def environment(url: str, port: int) -> dict[str, str]:
    from pgserver import PASSWORD

    database = url.rsplit("/", 1)[1]
    return {
        **os.environ,
        "DATABASE_URL": url,
        "POSTGRES_HOST": "127.0.0.1",
        "POSTGRES_PORT": str(port),
        "POSTGRES_DB": database,
        "POSTGRES_USER": "postgres",
        "POSTGRES_PASSWORD": PASSWORD,
        "NO_COLOR": "1",
        "COLUMNS": "200",
    }


def quicketl(root: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(QUICKETL), *args], cwd=root, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_1x_database_files_run(root: Path, pg_url: str, pg_server: Any) -> None:
    from pgserver import PASSWORD

    env = environment(pg_url, pg_server.port)
    done = quicketl(root, env, "workflow", "run", "workflow.yml")
    assert done.returncode == 0, done.stdout + done.stderr
    assert PASSWORD not in done.stdout + done.stderr
    assert query(
        pg_url, "SELECT segment, revenue::text, orders FROM reporting.segment_revenue ORDER BY 1"
    ) == [("retail", "16.50", 3), ("wholesale", "100.00", 1)]
    assert query(pg_url, "SELECT * FROM crm.customers ORDER BY 1") == [
        (1, "ANN"),
        (2, "BOB"),
        (3, "CY"),
        (9, "kept"),
    ]
    with duckdb.connect() as conn:
        exported = conn.execute(
            "SELECT segment, orders FROM read_parquet(?)", [str(root / "out/segments.parquet")]
        ).fetchall()
    assert exported == [("retail", 3), ("wholesale", 1)]
    again = quicketl(root, env, "workflow", "run", "workflow.yml")
    assert again.returncode == 0, again.stdout + again.stderr
    # Without freshness queries, database sources are read on every run.
    assert "reads postgres_prod (not a file: always runs)" in again.stdout + again.stderr


def test_a_1x_pipeline_runs_on_its_own(root: Path, pg_url: str, pg_server: Any) -> None:
    env = environment(pg_url, pg_server.port)
    done = quicketl(root, env, "run", "pipelines/load_customers.yml")
    assert done.returncode == 0, done.stdout + done.stderr
    assert query(pg_url, "SELECT count(*) FROM public.customers") == [(3,)]
