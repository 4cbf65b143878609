"""A pipeline's data files on disk: source patterns, the files they match, and sink targets."""

from __future__ import annotations

import os
from pathlib import Path

from quicketl.config.sinks import FileSink
from quicketl.config.sources import FileSource
from quicketl.locations.globbing import glob_files, has_glob
from quicketl.locations.paths import data_path_text, resolve_data_path
from quicketl.locations.urls import is_remote

REMOTE_SINK = "writing to remote storage is not supported (writes must be atomic); use a local path"


def source_pattern(source: FileSource, root: Path) -> str:
    """The absolute path or glob a file source reads; a folder reads its files recursively."""
    if is_remote(source.path):
        return source.path
    path = data_path_text(source.path, root)
    if not has_glob(source.path) and (os.path.isdir(path) or source.path.endswith("/")):
        return str(Path(path) / "**" / f"*.{source.resolved_format}")
    return path


def matching_files(pattern: str) -> list[Path]:
    """The files a pattern matches, sorted, by DuckDB's own glob rules (dotfiles included),
    so that what is checked here is what the cache hashes and what DuckDB reads. A plain path
    to a pipe or device is listed too: the caller refuses it rather than read it (a glob
    skips such files, as DuckDB's does)."""
    if not has_glob(pattern):
        return [Path(pattern)] if os.path.exists(pattern) and not os.path.isdir(pattern) else []
    return [Path(p) for p in glob_files(pattern) if os.path.isfile(p)]


def sink_target(sink: FileSink, root: Path) -> Path:
    """The file, or the folder of partitions, a file sink writes."""
    return resolve_data_path(sink.path.rstrip("/") or sink.path, root)


def sink_target_text(sink: FileSink, root: Path) -> str:
    """`str(sink_target(sink, root))`, without a `Path` for a plain path."""
    return data_path_text(sink.path.rstrip("/") or sink.path, root)
