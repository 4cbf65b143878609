"""quicketl: declarative YAML ETL pipelines on DuckDB, run as an incremental build."""

__version__ = "2.0.0"
