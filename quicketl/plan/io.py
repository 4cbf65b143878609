"""The files a pipeline reads and writes, and the non-file inputs it depends on."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from quicketl.config.pipeline import PipelineConfig
from quicketl.config.secrets import mask
from quicketl.config.sinks import DatabaseSink, FileSink
from quicketl.config.sources import DatabaseSource, FileSource
from quicketl.locations.lazy_pattern import lazy_pattern
from quicketl.locations.paths import normalise
from quicketl.locations.refs import External, table_ref
from quicketl.locations.urls import duckdb_path, is_remote
from quicketl.values import FrozenValue


@dataclass(frozen=True, repr=False, eq=False)
class PipelineIO(FrozenValue):
    """Inputs and outputs as root-relative POSIX strings (absolute when outside the root)."""

    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    external: tuple[External, ...]


def pipeline_io(config: PipelineConfig, root: Path) -> PipelineIO:
    inputs: list[str] = []
    external: list[External] = []
    for name, source in config.named_sources().items():
        if isinstance(source, FileSource) and is_remote(source.path):
            # Not a file: nothing to hash, so it is read on every run (as a database is).
            external.append(External("url", mask(source.path)))
        elif isinstance(source, FileSource):
            inputs.append(normalise(source.path, root))
        elif isinstance(source, DatabaseSource):
            # Both are stored and shown: a connection's password never is.
            if source.freshness:
                external.append(External("freshness", freshness_target(name, source)))
            else:
                external.append(External("database", mask(source.connection)))
            inputs.append(mask(_table_ref(source.connection, source.table or "*", root)))
    if config.volatile:
        external.append(External("volatile"))
    outputs = [_output_of(config.sink, root)]
    return PipelineIO(tuple(dict.fromkeys(inputs)), tuple(outputs), tuple(external))


def freshness_target(name: str, source: DatabaseSource) -> str:
    """`<masked connection>#<table>`: what a freshness query stands for, named in reasons
    ("freshness of orders: ...") by the table read, else the one its query reads, else the
    source's name."""
    return f"{mask(source.connection)}#{_freshness_label(name, source)}"


_FROM = lazy_pattern(r"\bfrom\s+([A-Za-z_][\w$]*(?:\.[A-Za-z_][\w$]*)?)", re.I)


def _freshness_label(name: str, source: DatabaseSource) -> str:
    if source.table:
        return source.table
    match = _FROM.search(source.freshness or "")
    return match.group(1) if match else name


def _output_of(sink: FileSink | DatabaseSink, root: Path) -> str:
    if isinstance(sink, FileSink):
        return normalise(sink.path, root)
    return mask(_table_ref(sink.connection, sink.table, root))


def _table_ref(connection: str, table: str, root: Path) -> str:
    path = duckdb_path(connection)
    return table_ref(normalise(path, root) if path else connection, table)
