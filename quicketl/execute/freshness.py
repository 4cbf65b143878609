"""Values of `freshness:` queries, which stand in for a database source's content."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from quicketl.errors import EngineError
from quicketl.plan.keys import ALWAYS
from quicketl.plan.model import Task


def external_values(task: Task, root: Path) -> dict[str, str]:
    """Each non-file input of the task, with its freshness value or "always"."""
    values: dict[str, str] = {}
    for external in task.external:
        checked = external.checked
        values[str(external)] = _freshness_of(task, external.target, root) if checked else ALWAYS
    return values


def _freshness_of(task: Task, connection: str, root: Path) -> str:
    for source in _sources(task.config):
        if source.get("connection") == connection and source.get("freshness"):
            return _query_value(task, connection, str(source["freshness"]), root)
    return ALWAYS


def _sources(config: dict[str, Any]) -> list[dict[str, Any]]:
    if config.get("sources"):
        return list(config["sources"].values())
    return [config["source"]] if config.get("source") else []


def _query_value(task: Task, connection: str, query: str, root: Path) -> str:
    import duckdb

    from quicketl.engine.access import project_access
    from quicketl.engine.dburl import UnsupportedConnection, duckdb_file
    from quicketl.engine.duckdb_session import restrict
    from quicketl.engine.translate import runtime_message

    try:
        path = duckdb_file(connection, root)
    except UnsupportedConnection as exc:
        raise EngineError(f"{task.id}: freshness query failed: {exc}") from None
    try:
        with duckdb.connect(str(path), read_only=True) as conn:
            # The query is SQL a variable may reach: it reads no file outside the project.
            restrict(conn, project_access(root, path, path.with_name(path.name + ".wal")))
            row = conn.execute(query).fetchone()
    except duckdb.Error as exc:
        raise EngineError(f"{task.id}: freshness query failed: {runtime_message(exc)}") from None
    return repr(row[0] if row and len(row) == 1 else row)
