"""Where a pipeline's files are: source patterns, the files they match, and sink targets."""

from __future__ import annotations

import os
from pathlib import Path

from quicketl.config.project import resolve_data_path
from quicketl.config.sinks import FileSink
from quicketl.config.sources import FileSource
from quicketl.state.fileglob import glob_files

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
    """What a pattern matches other than folders, sorted (DuckDB reads a glob in the same
    order). Pipes and devices are listed too: the caller refuses them rather than read them."""
    if not has_glob(pattern):
        return [Path(pattern)] if os.path.exists(pattern) and not os.path.isdir(pattern) else []
    return glob_files(pattern)


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
