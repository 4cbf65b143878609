"""Sources registered in the session: an empty stand-in to bind against, and the real read.

Every step is bound over stand-in tables that have the sources' exact columns but no rows, so
checking a pipeline costs one schema detection per source. The real reads are inlined into the
final query as CTE bodies. A database query source is read once into a temporary table instead,
because its SQL resolves names inside the attached database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from quicketl.config.connections import postgres_url
from quicketl.config.filekind import not_regular_message, special_file
from quicketl.config.loader import LoadedPipeline
from quicketl.config.sources import DatabaseSource, FileSource
from quicketl.config.yamlfile import Loc
from quicketl.engine.datafiles import matching_files, source_pattern
from quicketl.engine.dburl import (
    UnsupportedConnection,
    duckdb_file,
    not_a_database,
    not_a_database_message,
)
from quicketl.engine.duckdb_session import Session
from quicketl.engine.readers import file_reader
from quicketl.engine.relation import Relation
from quicketl.engine.sniff import csv_reader
from quicketl.engine.sql import ident, table_ref, user_sql
from quicketl.engine.translate import config_errors, unknown_column
from quicketl.errors import ConfigError, Problem
from quicketl.locations.globbing import has_glob
from quicketl.locations.lazy_pattern import lazy_pattern
from quicketl.locations.urls import is_remote
from quicketl.values import FrozenValue

SourceKind = Literal["csv", "parquet", "json", "table", "query"]
_MISSING_TYPED = lazy_pattern(r"Columns with names: (.+?) do not exist")


@dataclass(frozen=True, repr=False, eq=False)
class SourceTable(FrozenValue):
    """One registered source."""

    name: str
    kind: SourceKind
    relation: Relation
    body: str | None
    rows: int | None = None
    pattern: str | None = None
    detail: str = ""


def register_sources(
    session: Session, loaded: LoadedPipeline, *, materialise: bool
) -> tuple[dict[str, SourceTable], list[Problem]]:
    """Every source of the pipeline; problems of all of them are collected."""
    tables: dict[str, SourceTable] = {}
    problems: list[Problem] = []
    for index, (name, source) in enumerate(loaded.config.named_sources().items()):
        try:
            tables[name] = _register(session, loaded, index, name, source, materialise)
        except ConfigError as exc:
            problems.extend(exc.problems)
    return tables, problems


def _register(
    session: Session,
    loaded: LoadedPipeline,
    index: int,
    name: str,
    source: FileSource | DatabaseSource,
    materialise: bool,
) -> SourceTable:
    stand_in = f"qetl_src_{index}"
    loc = loaded.source_loc(name)
    if isinstance(source, FileSource):
        return _file_source(session, loaded, loc, stand_in, name, source)
    return _database_source(session, loaded, loc, stand_in, name, source, materialise)


def _file_source(
    session: Session,
    loaded: LoadedPipeline,
    loc: Loc,
    stand_in: str,
    name: str,
    source: FileSource,
) -> SourceTable:
    pattern, reader = file_read(session, loaded, loc, source)
    fmt = source.resolved_format
    body = f"SELECT * FROM {reader}"
    try:
        _create_stand_in(session, loaded, loc, stand_in, body)
    except ConfigError as exc:
        raise _explain_types(session, loaded, loc, source, pattern, exc) from None
    detail = f"{fmt} {source.path}"
    return SourceTable(name, fmt, session.describe(stand_in), body, None, pattern, detail)


def file_read(
    session: Session, loaded: LoadedPipeline, loc: Loc, source: FileSource
) -> tuple[str, str]:
    """The source's path pattern and the table function call that reads it; a ConfigError
    when there is nothing regular to read."""
    pattern = source_pattern(source, loaded.root)
    if not is_remote(pattern):
        _require_regular_files(loaded, loc, pattern)
    fmt = source.resolved_format
    reader = csv_reader(session, source, pattern) if fmt == "csv" else file_reader(source, pattern)
    return pattern, reader


def _require_regular_files(loaded: LoadedPipeline, loc: Loc, pattern: str) -> None:
    """Something to read, and nothing that would never end: a named pipe, /dev/zero."""
    files = matching_files(pattern)
    if not files:
        what = "no file matches" if has_glob(pattern) else "file not found:"
        raise ConfigError([loaded.doc.problem((*loc, "path"), f"{what} {pattern}")])
    for path in files:
        kind = special_file(path)
        if kind is not None:
            message = not_regular_message(path, kind)
            raise ConfigError([loaded.doc.problem((*loc, "path"), message)])


def _create_stand_in(
    session: Session, loaded: LoadedPipeline, loc: Loc, stand_in: str, body: str
) -> None:
    def located(message: str) -> Problem:
        if _SNIFF_FAILED in message:
            return loaded.doc.problem((*loc, "path"), _SNIFF_HINT)
        return loaded.doc.problem((*loc, *_field_of(message)), message)

    with config_errors(located):
        session.run(f"CREATE TEMP TABLE {ident(stand_in)} AS {body} LIMIT 0")


_SNIFF_FAILED = "not possible to automatically detect the CSV parsing dialect"
_SNIFF_HINT = (
    "DuckDB cannot detect this CSV file's layout (rows with different column counts, mixed "
    "line endings or an unusual quote); set options delimiter, quote and header explicitly"
)


def _field_of(message: str) -> Loc:
    lowered = message.lower()
    if "encoding" in lowered:
        return ("options", "encoding")
    if "column" in lowered and ("types" in lowered or "columns" in lowered):
        return ("options", "columns")
    return ("path",)


def _explain_types(
    session: Session,
    loaded: LoadedPipeline,
    loc: Loc,
    source: FileSource,
    pattern: str,
    exc: ConfigError,
) -> ConfigError:
    """A type override naming a column the file lacks: say which, with a close match."""
    match = _MISSING_TYPED.search(exc.problems[0].message)
    if not match:
        return exc
    header = session.run(f"DESCRIBE SELECT * FROM {file_reader(source, pattern, with_types=False)}")
    names = [str(row[0]) for row in header]
    problems = [
        loaded.doc.problem(
            (*loc, "options", "columns", missing),
            unknown_column(missing, names),
        )
        for missing in re.findall(r'"([^"]+)"', match.group(1))
    ]
    return ConfigError(problems or exc.problems)


def _database_source(
    session: Session,
    loaded: LoadedPipeline,
    loc: Loc,
    stand_in: str,
    name: str,
    source: DatabaseSource,
    materialise: bool,
) -> SourceTable:
    url = _postgres_url(loaded, loc, source)
    if url is not None:
        return _postgres_source(session, loaded, stand_in, name, source, url, materialise)
    alias = session.attach(_existing_database(loaded, loc, source), read_only=True)
    if source.table is not None:
        body = f"SELECT * FROM {ident(alias)}.{table_ref(source.table)}"
        _bind(
            session,
            loaded,
            (*loc, "table"),
            f"CREATE TEMP TABLE {ident(stand_in)} AS {body} LIMIT 0",
        )
        relation = session.describe(stand_in)
        return SourceTable(name, "table", relation, body, detail=f"table {source.table}")
    query = source.query.strip().rstrip(";") if source.query else ""
    probe = f"CREATE TEMP TABLE {ident(stand_in)} AS SELECT * FROM {user_sql(query)} LIMIT 0"
    _bind(session, loaded, (*loc, "query"), probe, use=alias, text=query)
    rows = _materialise_query(session, stand_in, query, alias) if materialise else None
    return SourceTable(name, "query", session.describe(stand_in), None, rows, detail="query")


def _postgres_url(loaded: LoadedPipeline, loc: Loc, source: DatabaseSource) -> str | None:
    try:
        return postgres_url(source.connection, loaded.root)
    except ConfigError as exc:  # a profile's own problem is placed in quicketl.yml
        here = (*loc, "connection")
        problems = [p if p.file else loaded.doc.problem(here, p.message) for p in exc.problems]
        raise ConfigError(problems) from None


def _postgres_source(
    session: Session,
    loaded: LoadedPipeline,
    stand_in: str,
    name: str,
    source: DatabaseSource,
    url: str,
    materialise: bool,
) -> SourceTable:
    """Read from the server into the stand-in (only its columns when not materialising)."""
    from quicketl.engine.pgread import read_into, source_sql  # a PostgreSQL source only

    select = source_sql(source.table, source.query)
    pipeline = loaded.config.name
    rows = read_into(session, pipeline, url, select, stand_in, rows=materialise)
    relation = session.describe(stand_in)
    kind: SourceKind = "table" if source.table is not None else "query"
    detail = f"table {source.table}" if source.table is not None else "query"
    return SourceTable(name, kind, relation, None, rows if materialise else None, detail=detail)


def _existing_database(loaded: LoadedPipeline, loc: Loc, source: DatabaseSource) -> Path:
    try:
        path = duckdb_file(source.connection, loaded.root)
    except UnsupportedConnection as exc:
        raise ConfigError([loaded.doc.problem((*loc, "connection"), str(exc))]) from None
    what = not_a_database(path)
    if what is not None:
        message = not_a_database_message(path, what, writing=False)
        raise ConfigError([loaded.doc.problem((*loc, "connection"), message)])
    if not path.is_file():
        message = f"DuckDB database not found: {path}"
        raise ConfigError([loaded.doc.problem((*loc, "connection"), message)])
    return path


def _bind(
    session: Session,
    loaded: LoadedPipeline,
    loc: Loc,
    sql: str,
    use: str | None = None,
    text: str | None = None,
) -> None:
    with config_errors(loaded.doc.locator(loc), sql=text), session.using(use):
        session.run_user_sql(sql)


def _materialise_query(session: Session, stand_in: str, query: str, alias: str) -> int:
    """Read the query into the stand-in; CREATE TABLE AS returns the rows it stored."""
    with session.using(alias):
        return int(session.scalar(f"CREATE OR REPLACE TEMP TABLE {ident(stand_in)} AS {query}\n"))
