"""What a pipeline reads and writes, for the workflow planner; imports no DuckDB.

A DuckDB database source is both an external input (`database:<url>`, its content is not
hashed as a file) and an input path, so that a pipeline reading a database another pipeline
writes gets a lineage edge.
"""

from __future__ import annotations

from pathlib import Path

from quicketl.config.loader import LoadedPipeline
from quicketl.config.sinks import FileSink
from quicketl.config.sources import FileSource, Source
from quicketl.engine.dburl import UnsupportedConnection, duckdb_file
from quicketl.engine.located import problem_at, source_loc
from quicketl.engine.locations import (
    REMOTE_SINK,
    is_remote,
    relative_to_root,
    sink_target,
    source_pattern,
)
from quicketl.errors import ConfigError, Problem


def pipeline_io(loaded: LoadedPipeline) -> tuple[list[str], list[str], list[str]]:
    """(input patterns, output paths, external inputs), relative to the project root."""
    inputs: list[str] = []
    externals: list[str] = []
    problems: list[Problem] = []
    for name, source in loaded.config.named_sources().items():
        try:
            _add_source(source, loaded.root, inputs, externals)
        except UnsupportedConnection as exc:
            problems.append(problem_at(loaded, (*source_loc(loaded, name), "connection"), str(exc)))
    outputs: list[str] = []
    try:
        outputs.append(_output(loaded))
    except UnsupportedConnection as exc:
        field = "path" if isinstance(loaded.config.sink, FileSink) else "connection"
        problems.append(problem_at(loaded, ("sink", field), str(exc)))
    if problems:
        raise ConfigError(problems)
    return _unique(inputs), outputs, _unique(externals)


def _add_source(source: Source, root: Path, inputs: list[str], externals: list[str]) -> None:
    if isinstance(source, FileSource):
        pattern = source_pattern(source, root)
        if is_remote(pattern):
            externals.append(pattern)
        else:
            inputs.append(relative_to_root(pattern, root))
        return
    inputs.append(relative_to_root(duckdb_file(source.connection, root), root))
    externals.append(f"database:{source.connection.strip()}")


def _output(loaded: LoadedPipeline) -> str:
    sink = loaded.config.sink
    if isinstance(sink, FileSink):
        if is_remote(sink.path):
            raise UnsupportedConnection(REMOTE_SINK)
        return relative_to_root(sink_target(sink, loaded.root), loaded.root)
    return relative_to_root(duckdb_file(sink.connection, loaded.root), loaded.root)


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
