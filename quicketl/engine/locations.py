"""Where a pipeline's files are: source patterns, the files they match, and sink targets."""

from __future__ import annotations

import os
from pathlib import Path

from quicketl.config.project import resolve_data_path
from quicketl.config.sinks import FileSink
from quicketl.config.sources import FileSource
from quicketl.state.globbing import glob_files

_GLOB_CHARS = frozenset("*?[")
REMOTE_SINK = "writing to remote storage is not supported (writes must be atomic); use a local path"


def is_remote(path: str) -> bool:
    """A URL such as s3://... or https://..., read by DuckDB itself rather than from disk."""
    head, sep, _ = path.partition("://")
    return bool(sep) and head.isalpha() and len(head) > 1


def has_glob(path: str) -> bool:
    return any(char in _GLOB_CHARS for char in path)


def source_pattern(source: FileSource, root: Path) -> str:
    """The absolute path or glob a file source reads; a folder reads its files recursively."""
    if is_remote(source.path):
        return source.path
    path = resolve_data_path(source.path, root)
    if not has_glob(source.path) and (path.is_dir() or source.path.endswith("/")):
        return str(path / "**" / f"*.{source.resolved_format}")
    return str(path)


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


def relative_to_root(path: str | Path, root: Path) -> str:
    """`path` relative to the project root in POSIX spelling, or absolute if outside it."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(os.path.abspath(root)).as_posix()
    except ValueError:
        return absolute.as_posix()
