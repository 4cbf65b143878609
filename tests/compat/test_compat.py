"""QuickETL 1.x files run unchanged: each pipeline of `project/` through the real command line.

The files are written the way 1.x documents them (explicit `type:`, `engine: duckdb`,
`${VAR:-default}`, `quote_char`, `duckdb://` with two slashes, `{column, descending}`,
`count_distinct`, a pivot without `aggfunc`). The expected rows of each come from DuckDB SQL
written by hand over the same input files, never from quicketl.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest

PROJECT = Path(__file__).parent / "project"
QUICKETL = Path(sys.executable).with_name("quicketl")
ORDERS = "read_csv('{root}/data/orders.csv')"
CUSTOMERS = "read_csv('{root}/data/customers.csv')"
MONTHLY = "read_csv('{root}/data/monthly.csv')"

# pipeline -> (output to read, hand-written SQL giving the same rows in the same order)
EXPECTED: dict[str, tuple[str, str]] = {
    "csv_options": (
        "out/csv_options.parquet",
        "SELECT * FROM read_csv('{root}/data/legacy_sales.csv', delim = ';', header = true, "
        "skip = 1, nullstr = 'NA', quote = '''')",
    ),
    "clean_orders": (
        "out/clean_orders.parquet",
        "SELECT CAST(order_id AS VARCHAR) AS id, customer_id, amount, ordered_at, "
        f"round(amount * 1.2, 2) AS amount_with_tax FROM {ORDERS} "
        "WHERE status = 'completed' AND amount >= 10 ORDER BY amount DESC LIMIT 4",
    ),
    "customers": (
        "out/customers.parquet",
        "SELECT *, md5(concat_ws('|', CAST(customer_id AS VARCHAR), name)) AS customer_key "
        "FROM (SELECT DISTINCT customer_id, name, coalesce(segment, 'unknown') AS segment, "
        "email, backup_email, coalesce(email, backup_email, 'none') AS contact "
        f"FROM {CUSTOMERS}) ORDER BY customer_id",
    ),
    "revenue_by_segment": (
        "out/revenue_by_segment.parquet",
        "SELECT coalesce(c.segment, 'unknown') AS segment, sum(o.amount) AS revenue, "
        "count(*) AS orders, count(DISTINCT o.customer_id) AS customers, "
        f"max(o.amount) AS biggest FROM (SELECT DISTINCT * FROM {ORDERS}) o "
        f"LEFT JOIN {CUSTOMERS} c ON o.customer_id = c.customer_id "
        "WHERE o.status = 'completed' GROUP BY 1 ORDER BY 1",
    ),
    "all_orders": (
        "out/all_orders.csv",
        f"SELECT * FROM {ORDERS} UNION ALL "
        "SELECT * FROM read_csv('{root}/data/orders_2024.csv') ORDER BY order_id",
    ),
    "order_ranks": (
        "out/order_ranks.parquet",
        "SELECT order_id, "
        "row_number() OVER (PARTITION BY customer_id ORDER BY amount DESC) AS rank_in_customer, "
        "lag(amount, 1, 0) OVER (PARTITION BY customer_id ORDER BY ordered_at) "
        "AS previous_amount, "
        "sum(amount) OVER (PARTITION BY customer_id ORDER BY ordered_at) AS running_total "
        f"FROM {ORDERS} ORDER BY order_id",
    ),
    "status_pivot": (
        "out/status_pivot.parquet",
        "SELECT region, sum(amount) FILTER (WHERE status = 'cancelled') AS cancelled, "
        "sum(amount) FILTER (WHERE status = 'completed') AS completed, "
        "sum(amount) FILTER (WHERE status = 'pending') AS pending "
        f"FROM {ORDERS} GROUP BY region ORDER BY region",
    ),
    # 1.x's default aggfunc is `first`: the first row in file order (the file is in order_id
    # order).
    "first_status": (
        "out/first_status.parquet",
        "SELECT customer_id, "
        "first(status ORDER BY order_id) FILTER (WHERE region = 'east') AS east, "
        "first(status ORDER BY order_id) FILTER (WHERE region = 'north') AS north, "
        "first(status ORDER BY order_id) FILTER (WHERE region = 'south') AS south "
        f"FROM {ORDERS} GROUP BY customer_id ORDER BY customer_id",
    ),
    "monthly_long": (
        "out/monthly_long.parquet",
        "SELECT store, month, sales FROM ("
        f"SELECT store, 1 AS k, 'jan' AS month, jan AS sales FROM {MONTHLY} "
        f"UNION ALL SELECT store, 2, 'feb', feb FROM {MONTHLY} "
        f"UNION ALL SELECT store, 3, 'mar', mar FROM {MONTHLY}) "
        "ORDER BY store, k",
    ),
    "checked_orders": ("out/checked_orders.parquet", f"SELECT * FROM {ORDERS}"),
    "parquet_source": (
        "out/parquet_source.parquet",
        "SELECT * FROM read_parquet('{root}/data/orders.parquet') WHERE region <> 'east'",
    ),
    "glob_source": (
        "out/glob_source.parquet",
        "SELECT * FROM read_csv('{root}/data/orders*.csv') ORDER BY order_id",
    ),
    "events": ("out/events.json", "SELECT * FROM read_json('{root}/data/events.jsonl')"),
    "orders_by_region": (
        "out/orders_by_region",
        "SELECT order_id, customer_id, status, amount, ordered_at, note, region "
        f"FROM {ORDERS} ORDER BY order_id",
    ),
}


def cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(QUICKETL), *args],
        cwd=root,
        env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"},
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(PROJECT, root)
    # The one binary input, written here so the project stays text.
    parquet = root / "data" / "orders.parquet"
    with duckdb.connect() as con:
        con.execute(f"COPY (SELECT * FROM read_csv('{root}/data/orders.csv')) TO '{parquet}'")
    return root


def rows(sql: str, root: Path) -> list[tuple[Any, ...]]:
    with duckdb.connect() as con:
        return con.execute(sql.replace("{root}", str(root))).fetchall()


def output_rows(path: Path, order: str | None = None) -> list[tuple[Any, ...]]:
    if path.is_dir():
        reader = f"read_parquet('{path}/**/*.parquet', hive_partitioning = true)"
    else:
        kind = {".parquet": "read_parquet", ".csv": "read_csv", ".json": "read_json"}
        reader = f"{kind[path.suffix]}('{path}')"
    with duckdb.connect() as con:
        return con.execute(f"SELECT * FROM {reader} {order or ''}").fetchall()


def ran(done: subprocess.CompletedProcess[str]) -> None:
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_pipeline_gives_the_rows_of_hand_written_sql(name: str, root: Path) -> None:
    output, sql = EXPECTED[name]
    ran(cli(root, "run", f"pipelines/{name}.yml"))
    order = "ORDER BY order_id" if name == "orders_by_region" else None
    assert output_rows(root / output, order) == rows(sql, root)


def test_variables_from_the_command_line(root: Path) -> None:
    ran(cli(root, "run", "pipelines/clean_orders.yml", "--var", "STATUS=pending"))
    expected = rows(
        "SELECT CAST(order_id AS VARCHAR), customer_id, amount, ordered_at, "
        f"round(amount * 1.2, 2) FROM {ORDERS} "
        "WHERE status = 'pending' AND amount >= 10 ORDER BY amount DESC",
        root,
    )
    assert output_rows(root / "out/clean_orders.parquet") == expected


def test_a_failing_check_writes_nothing(root: Path) -> None:
    done = cli(root, "run", "pipelines/failing_check.yml")
    assert done.returncode == 1
    assert not (root / "out" / "failing_check.parquet").exists()
    [(failing, total)] = rows(
        f"SELECT count(*) FILTER (WHERE NOT (amount > 50)), count(*) FROM {ORDERS}", root
    )
    assert f"{failing} of {total} rows" in " ".join(done.stdout.split())


def test_database_sink_and_source_with_1x_urls(root: Path) -> None:
    ran(cli(root, "run", "pipelines/load_warehouse.yml"))
    ran(cli(root, "run", "pipelines/read_warehouse.yml"))
    with duckdb.connect(str(root / "out" / "warehouse.duckdb"), read_only=True) as con:
        stored = con.execute("SELECT * FROM orders ORDER BY order_id").fetchall()
    assert stored == rows(f"SELECT * FROM {ORDERS} ORDER BY order_id", root)
    expected = f"SELECT region, count(*) AS orders FROM {ORDERS} GROUP BY region ORDER BY region"
    assert output_rows(root / "out/read_warehouse.parquet") == rows(expected, root)


def test_workflow_runs_then_skips_everything(root: Path) -> None:
    ran(cli(root, "workflow", "run", "workflow.yml"))
    # The workflow sets MIN_AMOUNT=20 and the pipeline entry STATUS=pending.
    expected = rows(
        "SELECT CAST(order_id AS VARCHAR), customer_id, amount, ordered_at, "
        f"round(amount * 1.2, 2) FROM {ORDERS} "
        "WHERE status = 'pending' AND amount >= 20 ORDER BY amount DESC LIMIT 4",
        root,
    )
    assert output_rows(root / "out/clean_orders.parquet") == expected
    assert output_rows(root / "out/read_warehouse.parquet") == rows(
        f"SELECT region, count(*) FROM {ORDERS} GROUP BY region ORDER BY region", root
    )
    again = cli(root, "workflow", "run", "workflow.yml", "--json")
    ran(again)
    statuses = {t["task_id"]: t["status"] for t in json.loads(again.stdout)["tasks"]}
    # A database source without `freshness:` cannot be hashed, so it is read every run.
    assert statuses.pop("gold.read_warehouse") == "ran"
    assert statuses == dict.fromkeys(
        [
            "bronze.customers",
            "bronze.clean_orders",
            "silver.revenue_by_segment",
            "gold.load_warehouse",
        ],
        "up_to_date",
    )
