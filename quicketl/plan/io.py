"""The files a pipeline reads and writes, and the non-file inputs it depends on."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from quicketl.config.pipeline import PipelineConfig
from quicketl.config.secrets import mask
from quicketl.config.sinks import DatabaseSink, FileSink
from quicketl.config.sources import DatabaseSource, FileSource
from quicketl.locations.paths import normalise
from quicketl.locations.refs import External, ExternalKind, table_ref
from quicketl.locations.urls import duckdb_path, is_remote


@dataclass(frozen=True)
class PipelineIO:
    """Inputs and outputs as root-relative POSIX strings (absolute when outside the root)."""

    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    external: tuple[External, ...]


def pipeline_io(config: PipelineConfig, root: Path) -> PipelineIO:
    inputs: list[str] = []
    external: list[External] = []
    for source in config.named_sources().values():
        if isinstance(source, FileSource) and is_remote(source.path):
            # Not a file: nothing to hash, so it is read on every run (as a database is).
            external.append(External("url", mask(source.path)))
        elif isinstance(source, FileSource):
            inputs.append(normalise(source.path, root))
        elif isinstance(source, DatabaseSource):
            # Both are stored and shown: a connection's password never is.
            kind: ExternalKind = "freshness" if source.freshness else "database"
            external.append(External(kind, mask(source.connection)))
            inputs.append(mask(_table_ref(source.connection, source.table or "*", root)))
    if config.volatile:
        external.append(External("volatile"))
    outputs = [_output_of(config.sink, root)]
    return PipelineIO(tuple(dict.fromkeys(inputs)), tuple(outputs), tuple(external))


def _output_of(sink: FileSink | DatabaseSink, root: Path) -> str:
    if isinstance(sink, FileSink):
        return normalise(sink.path, root)
    return mask(_table_ref(sink.connection, sink.table, root))


def _table_ref(connection: str, table: str, root: Path) -> str:
    path = duckdb_path(connection)
    return table_ref(normalise(path, root) if path else connection, table)
