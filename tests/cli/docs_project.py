"""The sample project the documentation's examples run against."""

from __future__ import annotations

from pathlib import Path

ORDERS = """\
order_id,customer_id,amount,status,country,ordered_at
1,101,120.00,paid,DE,2025-01-02
2,102,35.50,open,FR,2025-01-02
3,101,64.90,paid,DE,2025-01-03
4,103,80.25,cancelled,NL,2025-01-03
5,104,15.00,paid,US,2025-01-04
6,102,230.10,refunded,FR,2025-01-05
7,105,42.00,paid,,2025-01-06
8,101,9.99,open,DE,2025-01-07
"""

ORDERS_2024 = """\
order_id,customer_id,amount,status,country,ordered_at
901,101,55.00,paid,DE,2024-12-30
902,103,12.00,paid,NL,2024-12-31
"""

CUSTOMERS = """\
customer_id,name,segment,country,signup_date
101,Ana,retail,DE,2024-03-01
102,Ben,business,FR,2024-05-17
103,Chloé,retail,NL,2024-06-02
104,Dev,retail,US,2024-09-30
105,Eli,business,DE,2024-11-11
"""

VARIABLES = {"RUN_DATE": "2025-01-15", "MIN_AMOUNT": "10"}


def write_docs_project(root: Path) -> None:
    """CSV files, a DuckDB warehouse and a project file under `root`."""
    import duckdb

    (root / "quicketl.yml").write_text("name: docs\n")
    data = root / "data"
    data.mkdir()
    (data / "orders.csv").write_text(ORDERS)
    (data / "orders_2024.csv").write_text(ORDERS_2024)
    (data / f"orders_{VARIABLES['RUN_DATE']}.csv").write_text(ORDERS)
    (data / "customers.csv").write_text(CUSTOMERS)
    with duckdb.connect(str(root / "warehouse.duckdb")) as con:
        con.execute(f"CREATE TABLE customers AS SELECT * FROM read_csv('{data / 'customers.csv'}')")
        con.execute(f"CREATE TABLE orders AS SELECT * FROM read_csv('{data / 'orders.csv'}')")
