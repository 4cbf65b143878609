"""A workflow across PostgreSQL and files, against a real server: Postgres -> DuckDB transforms
-> parquet -> back to Postgres, run incrementally; freshness queries decide the skips, lineage
orders a table's writer before its reader, and the password shows up nowhere."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .support import cli, explain, reasons, rows, run, statuses, write_yaml

ORDERS = """
CREATE TABLE orders (id int PRIMARY KEY, region text, amount numeric(10,2),
                     updated_at timestamp);
INSERT INTO orders
SELECT g, CASE WHEN g % 2 = 0 THEN 'north' ELSE 'south' END, g * 1.5,
       TIMESTAMP '2024-01-01' + g * INTERVAL '1 minute'
FROM generate_series(1, 100) g;
"""


def execute(url: str, sql: str) -> None:
    import adbc_driver_postgresql.dbapi as pg

    with pg.connect(url, autocommit=True) as conn, conn.cursor() as cursor:
        for statement in filter(str.strip, sql.split(";")):
            cursor.execute(statement)


def query(url: str, sql: str) -> list[tuple[Any, ...]]:
    import adbc_driver_postgresql.dbapi as pg

    with pg.connect(url, autocommit=True) as conn, conn.cursor() as cursor:
        cursor.execute(sql)
        return list(cursor.fetchall())


@pytest.fixture
def project(tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """One stage of three pipelines, ordered by lineage alone (a table, then a parquet file,
    then a table); the connection comes from ${DATABASE_URL}."""
    execute(pg_url, ORDERS)
    monkeypatch.setenv("DATABASE_URL", pg_url)
    (tmp_path / "quicketl.yml").write_text("name: mixed\n")
    db = "${DATABASE_URL}"
    write_yaml(
        tmp_path / "pipelines/report.yml",
        {
            "name": "report",
            "source": {
                "connection": db,
                "table": "public.region_totals",
                "freshness": "SELECT count(*), sum(total) FROM public.region_totals",
            },
            "sink": {"path": "out/report.parquet"},
        },
    )
    write_yaml(
        tmp_path / "pipelines/totals.yml",
        {
            "name": "totals",
            "source": {"path": "out/big_orders.parquet"},
            "transforms": [
                {"op": "aggregate", "group_by": ["region"], "aggs": {"total": "sum(amount)"}}
            ],
            "sink": {"connection": db, "table": "public.region_totals", "mode": "replace"},
        },
    )
    write_yaml(
        tmp_path / "pipelines/extract.yml",
        {
            "name": "extract",
            "source": {
                "connection": db,
                "table": "orders",
                "freshness": "SELECT max(updated_at), count(*) FROM orders",
            },
            "transforms": [
                {"op": "filter", "predicate": "amount >= 30"},
                {"op": "select", "columns": ["id", "region", "amount"]},
            ],
            "sink": {"path": "out/big_orders.parquet"},
        },
    )
    entries = ["pipelines/report.yml", "pipelines/totals.yml", "pipelines/extract.yml"]
    return write_yaml(
        tmp_path / "workflows/wf.yml",
        {"name": "wf", "stages": [{"name": "all", "parallel": True, "pipelines": entries}]},
    )


def test_a_mixed_workflow_runs_incrementally(project: Path, pg_url: str) -> None:
    first = run(project)
    assert statuses(first) == {"all.report": "ran", "all.totals": "ran", "all.extract": "ran"}
    assert query(pg_url, "SELECT region, total::text FROM region_totals ORDER BY 1") == [
        ("north", "3690.00"),
        ("south", "3600.00"),
    ]
    assert rows(project.parent.parent / "out/report.parquet") == [
        ("north", 3690.0),
        ("south", 3600.0),
    ]
    again = run(project)
    assert set(statuses(again).values()) == {"up_to_date"}

    # A row the filter drops: extract runs, rewrites the same parquet, and the rest is skipped.
    execute(pg_url, "UPDATE orders SET updated_at = TIMESTAMP '2030-01-01' WHERE id = 1")
    assert statuses(explain(project))["all.extract"] == "would_run"
    changed = run(project)
    assert statuses(changed) == {
        "all.extract": "ran",
        "all.totals": "up_to_date",
        "all.report": "up_to_date",
    }
    (reason,) = reasons(changed)["all.extract"]
    assert reason == (
        "freshness of orders: (2024-01-01 01:40:00, 100) -> (2030-01-01 00:00:00, 100)"
    )

    # A row that counts: every pipeline downstream runs, in lineage order.
    execute(
        pg_url,
        "UPDATE orders SET amount = 1000, updated_at = TIMESTAMP '2031-01-01' WHERE id = 100",
    )
    last = run(project)
    assert set(statuses(last).values()) == {"ran"}
    assert reasons(last)["all.report"][0].startswith("freshness of public.region_totals: (2, ")
    assert query(pg_url, "SELECT total::text FROM region_totals WHERE region = 'north'") == [
        ("4540.00",)
    ]


def test_the_password_is_nowhere(project: Path, pg_url: str) -> None:
    from pgserver import PASSWORD

    root = project.parent.parent
    outputs = [
        cli("workflow", "run", project, "--json", cwd=root),
        cli("workflow", "run", project, cwd=root),
        cli("workflow", "status", project, cwd=root),
        cli("workflow", "status", project, "--json", cwd=root),
        cli("workflow", "log", cwd=root),
        cli("workflow", "graph", project, cwd=root),
        cli("workflow", "info", project, cwd=root),
        cli("workflow", "validate", project, cwd=root),
        cli("run", "pipelines/extract.yml", cwd=root),
        cli("run", "pipelines/extract.yml", "--json", cwd=root),
        cli("workflow", "generate", project, "--target", "airflow", "-o", "dag.py", cwd=root),
        cli("workflow", "generate", project, "--target", "prefect", "-o", "flow.py", cwd=root),
    ]
    for done in outputs:
        assert PASSWORD not in done.stdout + done.stderr, done.args
    assert json.loads(outputs[0].stdout)["status"] == "success"
    assert "freshness" in outputs[3].stdout or "up_to_date" in outputs[3].stdout
    files = [path for path in root.rglob("*") if path.is_file()]
    assert any(".quicketl-cache" in str(path) for path in files)
    for path in files:
        assert PASSWORD.encode() not in path.read_bytes(), path
    # The state store does name the connection, masked (the freshness input of the key).
    assert any(b"postgres:***@127.0.0.1" in path.read_bytes() for path in files)
    assert all(done.returncode == 0 for done in outputs), [d.stderr for d in outputs]


def test_status_and_dry_run_explain_a_freshness_change(project: Path, pg_url: str) -> None:
    root = project.parent.parent
    assert cli("workflow", "run", project, cwd=root).returncode == 0
    assert cli("run", "pipelines/extract.yml", cwd=root).returncode == 0
    execute(pg_url, "INSERT INTO orders VALUES (101, 'north', 5, TIMESTAMP '2024-01-01')")
    expected = "freshness of orders: (2024-01-01 01:40:00, 100) -> (2024-01-01 01:40:00, 101)"
    status = cli("workflow", "status", project, cwd=root)
    assert expected in status.stdout, status.stdout
    dry = cli("workflow", "run", project, "--dry-run", cwd=root)
    assert expected in dry.stdout, dry.stdout
    single = cli("run", "pipelines/extract.yml", "--dry-run", cwd=root)
    assert expected in single.stdout, single.stdout


def test_a_unique_violation_exits_1_with_one_masked_message(tmp_path: Path, pg_url: str) -> None:
    from pgserver import PASSWORD

    execute(pg_url, "CREATE TABLE seen (id bigint PRIMARY KEY); INSERT INTO seen VALUES (2)")
    (tmp_path / "quicketl.yml").write_text("name: t\n")
    (tmp_path / "ids.csv").write_text("id\n1\n2\n")
    write_yaml(
        tmp_path / "p.yml",
        {
            "name": "dupes",
            "source": {"path": "ids.csv"},
            "sink": {"connection": pg_url, "table": "seen", "mode": "append"},
        },
    )
    done = cli("run", "p.yml", cwd=tmp_path)
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    assert PASSWORD not in done.stdout + done.stderr
    assert "pipeline dupes: postgresql://postgres:***@127.0.0.1:" in done.stdout
    assert "duplicate key value violates unique constraint" in done.stdout
    assert query(pg_url, "SELECT id FROM seen") == [(2,)]
