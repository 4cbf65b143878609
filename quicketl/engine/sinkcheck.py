"""Sink problems found before anything runs: where it writes, and the columns it names."""

from __future__ import annotations

from quicketl.config.connections import postgres_url
from quicketl.config.loader import LoadedPipeline
from quicketl.config.sinks import DatabaseSink, FileSink
from quicketl.engine.datafiles import REMOTE_SINK, sink_target
from quicketl.engine.dburl import (
    UnsupportedConnection,
    duckdb_file,
    not_a_database,
    not_a_database_message,
)
from quicketl.engine.filesink import compression_of
from quicketl.engine.relation import Relation
from quicketl.engine.translate import unknown_column
from quicketl.errors import ConfigError, Problem
from quicketl.locations.urls import is_remote


def sink_problems(loaded: LoadedPipeline, final: Relation | None) -> list[Problem]:
    """Problems with the sink; column names are checked only when the final schema is known."""
    sink = loaded.config.sink
    problems = _file_problems(loaded, sink) if isinstance(sink, FileSink) else []
    if isinstance(sink, DatabaseSink):
        problems += _database_problems(loaded, sink)
    if final is not None:
        problems += _column_problems(loaded, final)
    return problems


def _file_problems(loaded: LoadedPipeline, sink: FileSink) -> list[Problem]:
    if is_remote(sink.path):
        return [loaded.doc.problem(("sink", "path"), REMOTE_SINK)]
    problems = []
    target = sink_target(sink, loaded.root)
    if not sink.partition_by and target.is_dir():
        message = f"{target} is a folder; give a file path, or set partition_by to write a folder"
        problems.append(loaded.doc.problem(("sink", "path"), message))
    if sink.mode == "append" and compression_of(sink.path) and sink.resolved_format != "parquet":
        message = "mode append is not supported for compressed csv or json files"
        problems.append(loaded.doc.problem(("sink", "mode"), message))
    return problems


def _database_problems(loaded: LoadedPipeline, sink: DatabaseSink) -> list[Problem]:
    try:
        if postgres_url(sink.connection, loaded.root) is not None:
            return []  # the server is asked when the pipeline runs
    except ConfigError as exc:  # a profile's own problem is placed in quicketl.yml
        here = ("sink", "connection")
        return [p if p.file else loaded.doc.problem(here, p.message) for p in exc.problems]
    try:
        path = duckdb_file(sink.connection, loaded.root)
    except UnsupportedConnection as exc:
        return [loaded.doc.problem(("sink", "connection"), str(exc))]
    what = not_a_database(path)
    if what is not None:
        message = not_a_database_message(path, what, writing=True)
        return [loaded.doc.problem(("sink", "connection"), message)]
    return []


def _column_problems(loaded: LoadedPipeline, final: Relation) -> list[Problem]:
    sink = loaded.config.sink
    field = "partition_by" if isinstance(sink, FileSink) else "upsert_keys"
    names = sink.partition_by if isinstance(sink, FileSink) else sink.upsert_keys
    return [
        loaded.doc.problem(("sink", field, index), unknown_column(name, final.names))
        for index, name in enumerate(names)
        if final.find(name) is None
    ]
