"""Values of `freshness:` queries, which stand in for a database source's content.

The query runs on the source's own connection: a DuckDB file opened read-only, or a PostgreSQL
server. The task's stored configuration has passwords masked, so the connection comes from the
resolved pipeline (loaded again when the plan came from its snapshot).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from quicketl.errors import ConfigError, EngineError
from quicketl.locations.refs import External
from quicketl.plan.keys import ALWAYS
from quicketl.plan.model import Task

if TYPE_CHECKING:  # the no-op path imports this module: pydantic and YAML load only when used
    from quicketl.config.loader import LoadedPipeline
    from quicketl.config.sources import DatabaseSource


def external_values(task: Task, root: Path) -> dict[str, str]:
    """Each non-file input of the task, with its freshness value or "always"."""
    values: dict[str, str] = {}
    for external in task.external:
        checked = external.checked
        values[str(external)] = _freshness_of(task, external, root) if checked else ALWAYS
    return values


def _freshness_of(task: Task, external: External, root: Path) -> str:
    from quicketl.config.sources import DatabaseSource
    from quicketl.plan.io import freshness_target

    pipeline = _pipeline(task, root)
    for name, source in pipeline.config.named_sources().items():
        if not isinstance(source, DatabaseSource) or not source.freshness:
            continue
        if freshness_target(name, source) == external.target:
            return _query_value(task, pipeline, source, root)
    return ALWAYS


def _pipeline(task: Task, root: Path) -> LoadedPipeline:
    from quicketl.config.loader import load_pipeline
    from quicketl.config.variables import VariableScope

    if task.pipeline is not None:
        return task.pipeline
    return load_pipeline(
        task.pipeline_path, VariableScope.standard(task.variables, root=root), root
    )


def _query_value(task: Task, pipeline: LoadedPipeline, source: DatabaseSource, root: Path) -> str:
    from quicketl.config.connections import postgres_url

    query = str(source.freshness)
    try:
        url = postgres_url(source.connection, root)
    except ConfigError as exc:
        raise EngineError(f"{task.id}: freshness query failed: {exc}") from None
    if url is not None:
        row = _postgres_row(pipeline.config.name, url, query)
        return ALWAYS if row is None else shown(row)
    return shown(_duckdb_row(task, source.connection, query, root))


def shown(row: tuple[Any, ...] | None) -> str:
    """A query's row as the task key keeps it and reasons show it: `5`, `(2024-01-02, 3)`."""
    if not row:
        return "None"
    if len(row) == 1:
        return str(row[0])
    return "(" + ", ".join(str(value) for value in row) + ")"


def _postgres_row(pipeline: str, url: str, query: str) -> tuple[Any, ...] | None:
    from quicketl.engine.postgres import UNDEFINED_TABLE, PostgresError, connected

    try:
        with connected(pipeline, url) as conn, conn.cursor() as cursor:
            cursor.execute(query)
            row = cursor.fetchone()
    except PostgresError as exc:
        if exc.sqlstate == UNDEFINED_TABLE:
            return None  # not created yet (an upstream pipeline may write it): the task runs
        raise EngineError(f"freshness query failed: {exc}") from None
    return tuple(row) if row is not None else None


def _duckdb_row(task: Task, connection: str, query: str, root: Path) -> tuple[Any, ...] | None:
    from quicketl.engine.access import project_access
    from quicketl.engine.dburl import UnsupportedConnection, duckdb_file
    from quicketl.engine.duckdb_module import duckdb
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
    return tuple(row) if row is not None else None
