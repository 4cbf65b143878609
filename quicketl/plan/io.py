"""The files a pipeline reads and writes, and the non-file inputs it depends on."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from quicketl.config.dburl import duckdb_path
from quicketl.config.pipeline import PipelineConfig
from quicketl.config.secrets import mask
from quicketl.config.sinks import DatabaseSink, FileSink
from quicketl.config.sources import DatabaseSource, FileSource
from quicketl.plan.refs import TABLE_PREFIX, reads_output

__all__ = ["PipelineIO", "normalise", "pipeline_io", "reads_output"]


@dataclass(frozen=True)
class PipelineIO:
    """Inputs and outputs as root-relative POSIX strings (absolute when outside the root)."""

    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    external: tuple[str, ...]


def pipeline_io(config: PipelineConfig, root: Path) -> PipelineIO:
    inputs: list[str] = []
    external: list[str] = []
    for source in config.named_sources().values():
        if isinstance(source, FileSource):
            inputs.append(normalise(source.path, root))
        elif isinstance(source, DatabaseSource):
            # Both are stored and shown: a connection's password never is.
            external.append(mask(_external_of(source)))
            inputs.append(mask(_table_ref(source.connection, source.table or "*", root)))
    if config.volatile:
        external.append("volatile")
    outputs = [_output_of(config.sink, root)]
    return PipelineIO(tuple(dict.fromkeys(inputs)), tuple(outputs), tuple(external))


def _external_of(source: DatabaseSource) -> str:
    if source.freshness:
        return f"freshness:{source.connection}"
    return f"database:{source.connection}"


def _output_of(sink: FileSink | DatabaseSink, root: Path) -> str:
    if isinstance(sink, FileSink):
        return normalise(sink.path, root)
    return mask(_table_ref(sink.connection, sink.table, root))


def _table_ref(connection: str, table: str, root: Path) -> str:
    """Tables are named by their database file, so lineage links a writer to its readers."""
    path = duckdb_path(connection)
    database = normalise(path, root) if path else connection
    return f"{TABLE_PREFIX}{database}#{table.lower()}"


def normalise(path: str, root: Path) -> str:
    """A path as written, made root-relative and POSIX, without `./` or a trailing slash."""
    candidate = Path(path).expanduser()
    if candidate.is_absolute():
        try:
            candidate = candidate.relative_to(root)
        except ValueError:
            return candidate.as_posix().rstrip("/") or "/"
    parts: list[str] = []
    for part in candidate.parts:
        if part == "..":
            if parts and parts[-1] != "..":
                parts.pop()
                continue
        elif part == ".":
            continue
        parts.append(part)
    return "/".join(parts) or "."
